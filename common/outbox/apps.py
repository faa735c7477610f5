from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "common.outbox"
    label = "outbox"
    verbose_name = _("Outbox")

    def ready(self) -> None:
        # Celery's task signals mark rows done (or due again) in whichever process runs the task; the
        # relay's tasks are registered in every process, as the apps' own are.
        from common.outbox import signals, tasks  # noqa: F401
