from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        # The workflow's events are declared before anything writes or reads the trace, and its tasks
        # are registered in every process (web included), where services queue them by name.
        from workflow import events, tasks  # noqa: F401
