from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "trace"
    verbose_name = _("Trace")

    def ready(self) -> None:
        # Declares the trace's own event before anything writes or reads the trace.
        from trace import events  # noqa: F401
