from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        # Events declared before anything writes the trace; tasks registered in every process.
        from reporting import events, tasks  # noqa: F401
