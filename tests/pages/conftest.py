from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workflow.conftest import wf  # noqa: F401 - the workflow settings an admin would have made, for page tests


@pytest.fixture
def queries_of() -> Callable[[Callable[[], object]], int]:
    """How many SQL queries one call makes: compared at two data sizes, it shows an N+1."""

    def count(call: Callable[[], object]) -> int:
        with CaptureQueriesContext(connection) as captured:
            call()
        return len(captured)

    return count
