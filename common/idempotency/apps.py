from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdempotencyConfig(AppConfig):
    name = "common.idempotency"
    label = "idempotency"
    verbose_name = _("Idempotency keys")

    def ready(self) -> None:
        from common.idempotency import tasks  # noqa: F401 - registered in every process, as the apps' tasks are
