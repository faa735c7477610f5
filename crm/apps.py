from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Clients")

    def ready(self) -> None:
        # Declares the client record's events before anything writes or reads the trace.
        from crm import events, search  # noqa: F401

        search.register_sqlite_functions()
