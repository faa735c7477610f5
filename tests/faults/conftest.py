# The workflow's categories and routing rules, so that requests and leads can be created here too.
from tests.workflow.conftest import wf  # noqa: F401
