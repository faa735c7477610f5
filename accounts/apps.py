from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Declares the organisation's events before anything writes or reads the trace.
        from accounts import events  # noqa: F401

        # Every app's part of a handover (`accounts.handover`): the apps above this one register
        # what they own from their `handover` module, which accounts may not import by name.
        autodiscover_modules("handover")
