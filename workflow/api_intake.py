"""Public doors into the workflow (DESIGN.md section 6): the web form and the inbound e-mail webhook.

Nobody signs in here, so the answer is the same whoever writes: a random reference for the message,
kept for an agent to match (`workflow.services.intake`). A caller who types someone else's e-mail
address learns nothing about that client and writes nothing into its record.
"""

import hmac

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from common.api import ErrorSerializer, validated
from crm.models import Channel
from workflow.models import Intake, ItemKind
from workflow.services.intake import intake_submit

SECRET_HEADER = "X-Intake-Secret"  # noqa: S105 - a header name, not a secret


class IntakeThrottle(ScopedRateThrottle):
    """The scoped throttle, reading its rate on each request so a changed setting applies at once.

    DRF's own copies the rates when the class is defined.
    """

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class IntakeRoutingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ItemKind.choices, default=ItemKind.SERVICE_REQUEST)
    category = serializers.SlugField(
        max_length=40, required=False, allow_blank=True,
        help_text=gettext_lazy("Category code; required for a service request."),
    )  # fmt: skip
    fields = serializers.DictField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False,
        help_text=gettext_lazy("The fields the category requires, e.g. {\"invoice_number\": \"F-123\"}."),
    )  # fmt: skip


class WebFormSerializer(IntakeRoutingSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    subject = serializers.CharField(max_length=200)
    message = serializers.CharField(max_length=5000)
    agency = serializers.SlugField(
        max_length=20, required=False, allow_blank=True,
        help_text=gettext_lazy("Code of the agency a new client is filed under; the site's default otherwise."),
    )  # fmt: skip


class InboundEmailSerializer(IntakeRoutingSerializer):
    """A parsed mail as the mail gateway posts it; the gateway knows which mailbox means which kind."""

    # `from` is a Python keyword: the field is declared under another name and renamed below.
    from_ = serializers.EmailField(max_length=254)
    from_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    to = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class IntakeAnswerSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text=gettext_lazy("The reference to quote when writing again."))
    kind = serializers.ChoiceField(choices=ItemKind.choices)


def _answer(intake: Intake) -> Response:
    """The same answer whoever wrote: a random reference and what was asked for."""
    return Response({"reference": intake.reference, "kind": intake.kind}, status=status.HTTP_201_CREATED)


class IntakeNotConfigured(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy("Inbound e-mail is not configured.")
    default_code = "not_configured"


def require_intake_secret(request: Request) -> None:
    """The mail gateway proves itself with the shared secret; nothing else may post mail."""
    expected = settings.INTAKE_EMAIL_SECRET
    if not expected:
        raise IntakeNotConfigured()
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise exceptions.PermissionDenied(_("Wrong or missing intake secret."))


class PublicIntakeView(APIView):
    # No session, so no CSRF; nobody signs in: who may write is decided by the throttle and the secret.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [IntakeThrottle]


class WebFormIntakeView(PublicIntakeView):
    """The public contact form: a client's message becomes a routed service request or lead."""

    throttle_scope = "intake"

    @extend_schema(
        request=WebFormSerializer,
        responses={201: IntakeAnswerSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
        description="Keeps the message for an agent of the agency, who matches it to a client; the answer is the "
        "same whether or not the e-mail or phone belongs to a client. Give an e-mail address or a phone number.",
    )
    def post(self, request: Request) -> Response:
        data = validated(WebFormSerializer, request)
        intake = intake_submit(
            channel=Channel.WEB, name=data.get("name", ""), email=data.get("email", ""),
            phone=data.get("phone", ""), company=data.get("company", ""), subject=data["subject"],
            message=data["message"], kind=data["kind"], category=data.get("category") or None,
            fields=data.get("fields"), agency_code=data.get("agency") or None,
        )  # fmt: skip
        return _answer(intake)


class InboundEmailIntakeView(PublicIntakeView):
    """The mail gateway's webhook: one parsed inbound e-mail per call."""

    throttle_scope = "intake_email"

    @extend_schema(
        request=InboundEmailSerializer,
        parameters=[
            OpenApiParameter(
                SECRET_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="The shared secret of settings.INTAKE_EMAIL_SECRET.",
            )
        ],
        responses={
            201: IntakeAnswerSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            429: ErrorSerializer,
            503: ErrorSerializer,
        },
        auth=[],
        description="Keeps the mail for an agent, who matches it to a client (a bare address is enough); the "
        "answer is the same whoever the sender is. Answers 503 while no secret is configured.",
    )
    def post(self, request: Request) -> Response:
        # Checked here rather than as a permission so that failed attempts count against the throttle.
        require_intake_secret(request)
        data = validated(InboundEmailSerializer, request)
        intake = intake_submit(
            channel=Channel.EMAIL, name=data.get("from_name", ""), email=data["from"],
            subject=data.get("subject", ""), message=data.get("text", ""), kind=data["kind"],
            category=data.get("category") or None, fields=data.get("fields"),
        )  # fmt: skip
        return _answer(intake)
