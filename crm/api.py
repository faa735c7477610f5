"""The client record over HTTP (DESIGN.md section 10): clients, contacts, interactions, products.

Reads go through `crm.selectors`, already scoped to the caller, so an id outside their agencies is a
404 like an id that does not exist. Writes call `crm.services`, which check rights and trace.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Agency, User
from accounts.permissions import OrgAdminWritesOthersRead
from common.api import ErrorSerializer, IdFilter, validated
from common.errors import InvalidInput
from crm import selectors, services
from crm.models import Channel, Client, ClientStatus, Complexity, Contact, Direction, Interaction, Product, Segment

# --- Clients --------------------------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    account_owner_name = serializers.SerializerMethodField()
    completeness = serializers.SerializerMethodField(
        help_text=gettext_lazy("Percent of the record filled in (identity fields and at least one contact).")
    )

    class Meta:
        model = Client
        fields = ["id", "name", "legal_id", "segment", "status", "agency", "agency_name", "account_owner",
                  "account_owner_name", "phone", "email", "address", "postcode", "city", "completeness",
                  "created_at", "updated_at"]  # fmt: skip

    def get_account_owner_name(self, client: Client) -> str | None:
        return str(client.account_owner) if client.account_owner else None

    def get_completeness(self, client: Client) -> int:
        # Lists annotate `contact_count`; a single client costs one count query.
        return selectors.client_completeness(client=client, contact_count=getattr(client, "contact_count", None))


class ClientUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    legal_id = serializers.CharField(max_length=20, required=False, allow_blank=True)
    segment = serializers.ChoiceField(choices=Segment.choices, required=False)
    status = serializers.ChoiceField(choices=ClientStatus.choices, required=False)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    account_owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ClientCreateSerializer(ClientUpdateSerializer):
    confirm = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy("Create the client even though it looks like an existing one (after a 409)."),
    )


class DuplicateCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    agency = serializers.IntegerField()


class ClientConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    candidates = DuplicateCandidateSerializer(many=True)


class ClientFilter(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    account_owner = IdFilter(field_name="account_owner_id")
    segment = filters.ChoiceFilter(choices=Segment.choices)
    status = filters.ChoiceFilter(choices=ClientStatus.choices)

    class Meta:
        model = Client
        fields = ["agency", "segment", "status", "account_owner"]


class TimelineEntrySerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField(help_text=gettext_lazy("What the entry is: `interaction`."))
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Interaction
        fields = ["type", "id", "occurred_at", "channel", "direction", "subject", "notes", "contact", "author",
                  "author_name", "team"]  # fmt: skip

    @extend_schema_field(serializers.ChoiceField(choices=["interaction"]))
    def get_type(self, interaction: Interaction) -> str:
        return "interaction"

    def get_author_name(self, interaction: Interaction) -> str | None:
        return str(interaction.author) if interaction.author else None


class ClientViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Client]:
        clients = selectors.clients_visible(user=self.request.user)
        return selectors.clients_with_list_data(clients=clients).order_by("name", "pk")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Search by name or contact name (typo-tolerant), phone, e-mail or legal id; "
                "results are ranked, best first.",
            )
        ]
    )
    def list(self, request: Request) -> Response:
        clients = self.filter_queryset(self.get_queryset())
        q = request.query_params.get("q", "").strip()
        if q:
            ranked_ids = [client.pk for client in selectors.client_search(user=request.user, q=q)]
            found = clients.in_bulk(ranked_ids)
            clients = [found[pk] for pk in ranked_ids if pk in found]
        page = self.paginate_queryset(clients)
        return self.get_paginated_response(ClientSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        client = selectors.client_get_for_user(user=request.user, client_id=pk)
        return Response(ClientSerializer(client).data)

    @extend_schema(
        request=ClientCreateSerializer,
        responses={201: ClientSerializer, 400: ErrorSerializer, 409: ClientConflictSerializer},
        description="A client that looks like one the caller can already see answers 409 with the "
        "`candidates`; send the same body with `confirm: true` to create it anyway.",
    )
    def create(self, request: Request) -> Response:
        client = services.client_create(actor=request.user, **validated(ClientCreateSerializer, request))
        return Response(ClientSerializer(client).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClientUpdateSerializer, responses={200: ClientSerializer, 400: ErrorSerializer})
    def partial_update(self, request: Request, pk: int) -> Response:
        data = validated(ClientUpdateSerializer, request, partial=True)
        client = services.client_update(actor=request.user, client_id=pk, **data)
        return Response(ClientSerializer(client).data)

    @extend_schema(responses=TimelineEntrySerializer(many=True))
    @action(detail=True, filter_backends=[])
    def timeline(self, request: Request, pk: int) -> Response:
        """The client's contacts on every channel, newest first."""
        client = selectors.client_get_for_user(user=request.user, client_id=pk)
        page = self.paginate_queryset(selectors.client_interactions(client=client))
        return self.get_paginated_response(TimelineEntrySerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("phone", str, required=True, description="The caller's number, as written.")],
        responses={200: ClientSerializer(many=True), 400: ErrorSerializer},
    )
    @action(detail=False, filter_backends=[])
    def lookup(self, request: Request) -> Response:
        """Caller-ID: the clients (in scope) whose number, or a contact's, is this one."""
        phone = request.query_params.get("phone", "").strip()
        if not phone:
            raise InvalidInput({"phone": _("This parameter is required.")})
        clients = selectors.client_lookup_phone(user=request.user, phone=phone)
        clients = selectors.clients_with_list_data(clients=clients).order_by("name", "pk")
        page = self.paginate_queryset(clients)
        return self.get_paginated_response(ClientSerializer(page, many=True).data)


# --- Contacts -------------------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "client", "first_name", "last_name", "role", "phone", "email", "is_primary"]


class ContactUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100)
    role = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)


class ContactCreateSerializer(ContactUpdateSerializer):
    client = serializers.IntegerField()


class ContactFilter(filters.FilterSet):
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Contact
        fields = ["client"]


class ContactViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Contact]:
        return selectors.contacts_visible(user=self.request.user).order_by(
            "client_id", "-is_primary", "last_name", "first_name", "pk"
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ContactSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        contact = selectors.contact_get_for_user(user=request.user, contact_id=pk)
        return Response(ContactSerializer(contact).data)

    @extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        data = validated(ContactCreateSerializer, request)
        contact = services.contact_create(actor=request.user, client_id=data.pop("client"), **data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ContactUpdateSerializer, responses={200: ContactSerializer, 400: ErrorSerializer})
    def partial_update(self, request: Request, pk: int) -> Response:
        contact = selectors.contact_get_for_user(user=request.user, contact_id=pk)
        data = validated(ContactUpdateSerializer, request, partial=True)
        contact = services.contact_update(actor=request.user, contact_id=contact.pk, **data)
        return Response(ContactSerializer(contact).data)


# --- Interactions ---------------------------------------------------------------------------------------


class InteractionSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Interaction
        fields = ["id", "client", "contact", "channel", "direction", "subject", "notes", "occurred_at", "author",
                  "author_name", "team", "created_at"]  # fmt: skip

    def get_author_name(self, interaction: Interaction) -> str | None:
        return str(interaction.author) if interaction.author else None


class InteractionCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    contact = serializers.IntegerField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    subject = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True)
    occurred_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Default: now."))


class InteractionFilter(filters.FilterSet):
    client = IdFilter(field_name="client_id")
    channel = filters.ChoiceFilter(choices=Channel.choices)

    class Meta:
        model = Interaction
        fields = ["client", "channel"]


class InteractionViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Interaction]:
        return selectors.interactions_visible(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(InteractionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        interaction = selectors.interaction_get_for_user(user=request.user, interaction_id=pk)
        return Response(InteractionSerializer(interaction).data)

    @extend_schema(request=InteractionCreateSerializer, responses={201: InteractionSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        data = validated(InteractionCreateSerializer, request)
        interaction = services.interaction_log(
            actor=request.user, client_id=data.pop("client"), contact_id=data.pop("contact", None), **data
        )
        return Response(InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED)


# --- Products -------------------------------------------------------------------------------------------


class ProductSerializer(serializers.ModelSerializer):
    direct_sale_channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))

    class Meta:
        model = Product
        fields = ["id", "code", "name", "family", "complexity", "direct_sale_channels", "owner_commission_share",
                  "is_active"]  # fmt: skip


class ProductInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=30)
    name = serializers.CharField(max_length=120)
    family = serializers.CharField(max_length=60)
    complexity = serializers.ChoiceField(choices=Complexity.choices)
    direct_sale_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        required=False,
        help_text=gettext_lazy("Channels on which the product may be sold directly."),
    )
    owner_commission_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("Percent of the credit for the account owner when someone else closes the sale."),
    )
    is_active = serializers.BooleanField(required=False)


class ProductFilter(filters.FilterSet):
    class Meta:
        model = Product
        fields = ["family", "complexity", "is_active"]


class ProductViewSet(viewsets.GenericViewSet):
    """The catalogue: everyone signed in reads it, organisation admins change it."""

    permission_classes = [IsAuthenticated, OrgAdminWritesOthersRead]
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Product]:
        return selectors.products()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProductSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(ProductSerializer(selectors.product_get(product_id=pk)).data)

    @extend_schema(request=ProductInputSerializer, responses={201: ProductSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        product = services.product_create(actor=request.user, **validated(ProductInputSerializer, request))
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProductInputSerializer, responses={200: ProductSerializer, 400: ErrorSerializer})
    def partial_update(self, request: Request, pk: int) -> Response:
        product = selectors.product_get(product_id=pk)
        data = validated(ProductInputSerializer, request, partial=True)
        product = services.product_update(actor=request.user, product_id=product.pk, **data)
        return Response(ProductSerializer(product).data)
