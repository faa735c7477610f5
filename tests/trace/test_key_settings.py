"""The trace key in production settings: required, long, its own, and readable from a secret file."""

import pytest

from tests.test_settings import PRODUCTION_SECRET, production_environment, start_manage

PRINT_KEYS = "from django.conf import settings; print(settings.TRACE_HMAC_KEY, settings.TRACE_HMAC_RETIRED_KEYS)"


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({"TRACE_HMAC_KEY": None}, "Set TRACE_HMAC_KEY"),
        ({"TRACE_HMAC_KEY": "short-key"}, "TRACE_HMAC_KEY must be at least 32 characters"),
        ({"TRACE_HMAC_KEY": PRODUCTION_SECRET}, "TRACE_HMAC_KEY must differ from DJANGO_SECRET_KEY"),
        ({"TRACE_HMAC_KEY_FILE": "/nonexistent/trace-key"}, "TRACE_HMAC_KEY_FILE names a file that cannot be read"),
    ],
    ids=["missing", "short", "same-as-secret-key", "unreadable-file"],
)
def test_production_refuses_to_start_without_a_proper_trace_key(tmp_path, overrides, refusal):
    result = start_manage(production_environment(tmp_path, **overrides), "check")

    assert result.returncode != 0
    assert refusal in result.stderr


def test_the_keys_can_come_from_files_as_docker_secrets_do(tmp_path):
    key_file = tmp_path / "trace-key"
    key_file.write_text("from-a-file-" + "k" * 40 + "\n")
    retired_file = tmp_path / "retired-keys"
    retired_file.write_text("first-retired-key\nsecond-retired-key\n")
    environment = production_environment(
        tmp_path, TRACE_HMAC_KEY=None, TRACE_HMAC_KEY_FILE=str(key_file), TRACE_HMAC_RETIRED_KEYS_FILE=str(retired_file)
    )

    result = start_manage(environment, "shell", "-c", PRINT_KEYS)

    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line == f"from-a-file-{'k' * 40} ['first-retired-key', 'second-retired-key']"
