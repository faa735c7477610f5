"""`potentials/`, `potentials/{id}/explore/`, `potentials/imports/` (DESIGN.md section 10; issue 9).

Who may call what:
- `potentials/`: a salesperson's own (`which=mine`, the default); managers (their agencies) and marketing
  (its scope) see `which=scope`; marketing creates. `potentials/{id}/explore/`: the salesperson only (403 for
  others who see it, 409 when explored already).
- `potentials/imports/`: marketing POSTs a CSV (multipart `file`, or JSON `content`) and gets the import's id
  (202); GET `potentials/imports/{id}/` is its progress and its refused rows, for whoever started it.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer, validated
from workflow.api.common import ACTION_ERRORS, READ_ERRORS, query
from workflow.api.sales import id_field
from workflow.models_campaigns import Potential, PotentialImport, PotentialOutcome
from workflow.selectors_campaigns import MINE, SCOPE, import_get_for_user, potential_get_for_user, potential_list
from workflow.services.potentials import potential_create, potential_explore, potential_import_start


class PotentialSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    salesperson_name = serializers.SerializerMethodField()
    explored_in_time = serializers.BooleanField(read_only=True, allow_null=True)
    sale = serializers.SerializerMethodField()

    class Meta:
        model = Potential
        fields = ["id", "reference", "client", "client_name", "product", "amount", "note", "salesperson",
                  "salesperson_name", "deadline", "created_by", "created_at", "source", "explored_at", "outcome",
                  "explored_in_time", "reminded_at", "sale"]  # fmt: skip

    def get_salesperson_name(self, potential: Potential) -> str:
        return str(potential.salesperson)

    def get_sale(self, potential: Potential) -> int | None:
        try:
            return potential.sale.pk
        except Potential.sale.RelatedObjectDoesNotExist:
            return None


class PotentialCreateSerializer(serializers.Serializer):
    client = id_field(source="client_id")
    deadline = serializers.DateField()
    product = id_field(source="product_id", required=False)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PotentialListQuerySerializer(serializers.Serializer):
    which = serializers.ChoiceField(choices=[MINE, SCOPE], required=False,
                                    help_text=gettext_lazy("`mine` (default) or `scope` (managers, marketing)."))  # fmt: skip
    explored = serializers.BooleanField(required=False, allow_null=True, default=None)


class ExploreInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PotentialOutcome.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False,
                                      help_text=gettext_lazy("With `sale`: records the sale, credited by the rule."))  # fmt: skip
    product = id_field(source="product_id", required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    channel = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sold_on = serializers.DateField(required=False)


class PotentialViewSet(viewsets.GenericViewSet):
    """Portfolio potentials: the caller's own by deadline, or their scope's."""

    serializer_class = PotentialSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return potential_list(user=self.request.user)

    @extend_schema(parameters=[PotentialListQuerySerializer], responses={200: PotentialSerializer(many=True)})
    def list(self, request: Request) -> Response:
        params = query(PotentialListQuerySerializer, request)
        rows = potential_list(user=request.user, which=params.get("which", MINE), explored=params.get("explored"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PotentialSerializer(page, many=True).data)

    @extend_schema(responses={200: PotentialSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(PotentialSerializer(potential_get_for_user(user=request.user, potential_id=pk)).data)

    @extend_schema(request=PotentialCreateSerializer, responses={201: PotentialSerializer, **ACTION_ERRORS})
    def create(self, request: Request) -> Response:
        """Give an account's salesperson a potential to explore by its deadline (marketing of its scope)."""
        potential = potential_create(actor=request.user, **validated(PotentialCreateSerializer, request))
        return Response(PotentialSerializer(potential).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExploreInputSerializer, responses={200: PotentialSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def explore(self, request: Request, pk: int) -> Response:
        """The salesperson marks the potential explored with an outcome."""
        potential_explore(actor=request.user, potential_id=pk, **validated(ExploreInputSerializer, request))
        return Response(PotentialSerializer(potential_get_for_user(user=request.user, potential_id=pk)).data)


class ImportSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = PotentialImport
        fields = ["id", "filename", "status", "total_rows", "processed_rows", "created_count", "progress_percent",
                  "errors", "created_at", "finished_at"]  # fmt: skip
        extra_kwargs = {"errors": {"help_text": gettext_lazy("Refused rows: `line` (the header is line 1), `reason`.")}}


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(required=False)
    content = serializers.CharField(required=False, help_text=gettext_lazy("The CSV as text, instead of `file`."))

    def validate(self, data):
        if not data.get("file") and not data.get("content"):
            raise serializers.ValidationError({"file": [gettext_lazy("Send a CSV file.")]})
        return data


class PotentialImportViewSet(viewsets.GenericViewSet):
    """A CSV import of potentials: started (202 with its id), then polled for its progress."""

    serializer_class = ImportSerializer
    filter_backends: list = []
    lookup_value_converter = "int"
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return PotentialImport.objects.none()

    @extend_schema(request=ImportCreateSerializer, responses={202: ImportSerializer, 400: ErrorSerializer,
                                                              403: ErrorSerializer})  # fmt: skip
    def create(self, request: Request) -> Response:
        data = validated(ImportCreateSerializer, request)
        upload = data.get("file")
        content = upload.read() if upload else data["content"]
        job = potential_import_start(actor=request.user, filename=getattr(upload, "name", ""), content=content)
        job = import_get_for_user(user=request.user, import_id=job.pk)
        return Response(ImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: ImportSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(ImportSerializer(import_get_for_user(user=request.user, import_id=pk)).data)
