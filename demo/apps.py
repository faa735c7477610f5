from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Installed only so that Django finds `seed_demo`; the demo has no models of its own."""

    name = "demo"
