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
from common.api import DateTimeField, ErrorSerializer, IdFilter, validated
from common.errors import InvalidInput
from crm import privacy, selectors, services
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
                  "created_at", "updated_at", "version"]  # fmt: skip
        extra_kwargs = {
            "phone": {"help_text": gettext_lazy("In E.164, e.g. +33320123456.")},
            "legal_id": {"help_text": gettext_lazy("SIREN (9 digits) or SIRET (14 digits), digits only.")},
            "version": {"help_text": gettext_lazy("Bumped by every change; send it back with an edit (PATCH).")},
        }

    def get_account_owner_name(self, client: Client) -> str | None:
        return str(client.account_owner) if client.account_owner else None

    def get_completeness(self, client: Client) -> int:
        # Lists annotate `contact_count`; a single client costs one count query.
        return selectors.client_completeness(client=client, contact_count=getattr(client, "contact_count", None))


VERSION_HELP = gettext_lazy(
    "The `version` the edit was made from (as read). If the record changed since, nothing is written and "
    "the answer is 409 with the current `version`. Without it, only the fields sent are written."
)
PHONE_HELP = gettext_lazy("Any usual form (03 20 12 34 56, +33 3 20 12 34 56); stored in E.164.")


class ClientUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    legal_id = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                     help_text=gettext_lazy("SIREN or SIRET, check digit verified."))  # fmt: skip
    segment = serializers.ChoiceField(choices=Segment.choices, required=False)
    status = serializers.ChoiceField(choices=ClientStatus.choices, required=False)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    account_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "A salesperson covering the client's agency (400 otherwise). Only a manager of the agency or an "
            "administrator may set or change it (403 otherwise)."
        ),
    )
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text=PHONE_HELP)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True,
                                     help_text=gettext_lazy("French postcode: five digits."))  # fmt: skip
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)


class ClientCreateSerializer(ClientUpdateSerializer):
    version = None
    confirm = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Create the client even though it looks like an existing one (after a 409 whose `confirmable` is "
            "true). A phone, e-mail or SIREN/SIRET already held by a client cannot be confirmed."
        ),
    )


class DuplicateCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    matched_on = serializers.ListField(
        child=serializers.ChoiceField(choices=["phone", "email", "legal_id", "name", "contact_phone", "company"])
    )


class DuplicateElsewhereSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    managers = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("Who to ask there."))
    matched_on = serializers.ListField(child=serializers.ChoiceField(choices=["phone", "email", "legal_id"]))


class ClientConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    confirmable = serializers.BooleanField(
        help_text=gettext_lazy("Whether sending again with `confirm: true` creates it (look-alikes only).")
    )
    candidates = DuplicateCandidateSerializer(many=True, help_text=gettext_lazy("Clients the caller may open."))
    elsewhere = DuplicateElsewhereSerializer(
        many=True, help_text=gettext_lazy("Clients out of the caller's scope, told by their agency only.")
    )


class StaleVersionSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text=gettext_lazy("The current version."))


class ClientEditConflictSerializer(serializers.Serializer):
    """A PATCH refused: made from a stale `version`, or giving the client another client's identifier."""

    detail = serializers.CharField()
    version = serializers.IntegerField(required=False, help_text=gettext_lazy("The current version (stale edit)."))
    confirmable = serializers.BooleanField(required=False)
    candidates = DuplicateCandidateSerializer(many=True, required=False)
    elsewhere = DuplicateElsewhereSerializer(many=True, required=False)


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
                "results are ranked, best first; at most the best 200 matches, paginated.",
            )
        ]
    )
    def list(self, request: Request) -> Response:
        clients = self.filter_queryset(self.get_queryset())
        q = request.query_params.get("q", "").strip()
        if q:
            # The best matches up to the search's cap (issue 8: a search no longer stops silently at 20);
            # `count` says how many, up to the cap.
            matches = selectors.client_search(user=request.user, q=q, limit=selectors.SEARCH_COUNT_CAP)
            ranked_ids = list(matches.values_list("pk", flat=True))
            found = clients.in_bulk(ranked_ids)
            clients = [found[pk] for pk in ranked_ids if pk in found]
        page = self.paginate_queryset(clients)
        return self.get_paginated_response(ClientSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        client = selectors.client_get_for_user(user=request.user, client_id=pk)
        return Response(ClientSerializer(client).data)

    @extend_schema(
        request=ClientCreateSerializer,
        responses={201: ClientSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ClientConflictSerializer},
        description="One client per company: a phone, e-mail or SIREN/SIRET already held by a client anywhere "
        "answers 409 (clients out of the caller's scope are named by their agency only, in `elsewhere`). A "
        "client that only looks like one the caller can see (near name) answers 409 with `confirmable: true`; "
        "send the same body with `confirm: true` to create it anyway.",
    )
    def create(self, request: Request) -> Response:
        client = services.client_create(actor=request.user, **validated(ClientCreateSerializer, request))
        return Response(ClientSerializer(client).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ClientUpdateSerializer,
        responses={
            200: ClientSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: StaleVersionSerializer,
        },  # fmt: skip
        description="Writes only the fields sent, under a row lock. A stale `version` answers 409; so does a "
        "phone, e-mail or SIREN/SIRET already held by another client (with `candidates` and `elsewhere`).",
    )
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
        fields = ["id", "client", "first_name", "last_name", "role", "phone", "email", "is_primary", "version"]


class ContactUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100)
    role = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text=PHONE_HELP)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)


class ContactCreateSerializer(ContactUpdateSerializer):
    version = None
    client = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class ExportedContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    is_primary = serializers.BooleanField()


class ExportedClientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    agency = serializers.CharField()


class ExportedInteractionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    channel = serializers.CharField()
    direction = serializers.CharField()
    subject = serializers.CharField()
    notes = serializers.CharField()
    logged_by = serializers.CharField(allow_null=True)


class ExportedEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.IntegerField(allow_null=True)


class ContactExportSerializer(serializers.Serializer):
    exported_at = serializers.DateTimeField()
    contact = ExportedContactSerializer()
    client = ExportedClientSerializer()
    interactions = ExportedInteractionSerializer(many=True, help_text=gettext_lazy("Contacts logged with them."))
    trace = ExportedEventSerializer(many=True, help_text=gettext_lazy("Trace events about them (ids only)."))


class ContactErasedSerializer(serializers.Serializer):
    erased = serializers.IntegerField(help_text=gettext_lazy("The erased contact's id."))
    texts_struck = serializers.IntegerField(
        help_text=gettext_lazy("Timeline entries whose subject or notes named them, now struck out.")
    )


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

    @extend_schema(
        request=ContactUpdateSerializer,
        responses={
            200: ContactSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: StaleVersionSerializer,
        },  # fmt: skip
        description="Writes only the fields sent, under a row lock; a stale `version` answers 409.",
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        contact = selectors.contact_get_for_user(user=request.user, contact_id=pk)
        data = validated(ContactUpdateSerializer, request, partial=True)
        contact = services.contact_update(actor=request.user, contact_id=contact.pk, **data)
        return Response(ContactSerializer(contact).data)

    @extend_schema(responses={200: ContactExportSerializer, 403: ErrorSerializer, 404: ErrorSerializer})
    @action(detail=True, filter_backends=[], pagination_class=None)
    def export(self, request: Request, pk: int) -> Response:
        """Everything held about this contact person (GDPR access). Admins and managers of the client's
        agency; others who see the client get 403, the rest 404. The hand-out is traced."""
        return Response(privacy.contact_export(actor=request.user, contact_id=pk))

    @extend_schema(request=None, responses={200: ContactErasedSerializer, 403: ErrorSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def erase(self, request: Request, pk: int) -> Response:
        """Erase this contact person (GDPR): the contact is deleted, their name, e-mail and numbers struck
        out of the client's timeline, the search rebuilt; traced by id. Same callers as `export/`."""
        texts_struck = privacy.contact_erase(actor=request.user, contact_id=pk)
        return Response({"erased": pk, "texts_struck": texts_struck})


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
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        help_text=gettext_lazy("A call's is its channel's: inbound_call is inbound, outbound_call outbound."),
    )
    subject = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True)
    occurred_at = DateTimeField(
        required=False,
        help_text=gettext_lazy("Default: now. Not before 2000-01-01, nor more than five minutes ahead of now."),
    )


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
