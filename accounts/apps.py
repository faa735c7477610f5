from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Declares the organisation's events before anything writes or reads the trace.
        from accounts import events  # noqa: F401
