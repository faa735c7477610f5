from django.apps import AppConfig


class DevServerConfig(AppConfig):
    # No models and no admin: its name is never shown, so it has no translated verbose_name.
    name = "common.devserver"
    label = "devserver"
