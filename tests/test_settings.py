"""Start-up settings, checked as an operator meets them: by starting `manage.py` with an environment.

Each case runs in a subprocess because settings are read once per process, and the point is what a
fresh process does with the environment it is given.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_SECRET = "prod-secret-for-tests-" + "k3Y9q" * 8  # 50+ characters, many distinct ones
PRODUCTION_TRACE_KEY = "prod-trace-key-for-tests-" + "Zq4x" * 8

# Variables the settings read; the caller's values (a developer's shell, CI's Postgres run) must not leak in.
SETTINGS_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "CELERY_EMBEDDED_BROKER_DIR", "SITE_URL",
                      "DATABASE_OWNER_URL", "TRACE_HMAC_KEY", "TRACE_HMAC_KEY_FILE", "TRACE_HMAC_RETIRED_KEYS",
                      "TRACE_HMAC_RETIRED_KEYS_FILE", "TRUSTED_PROXY_COUNT")  # fmt: skip


def production_environment(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in SETTINGS_VARIABLES
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_READ_DOT_ENV_FILE="false",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET,
        DJANGO_ALLOWED_HOSTS="crm.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production-check.sqlite3'}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/1",
        TRUSTED_PROXY_COUNT="1",
        SITE_URL="https://crm.example.com",
        TRACE_HMAC_KEY=PRODUCTION_TRACE_KEY,
    )
    for name, value in overrides.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def start_manage(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = start_manage(production_environment(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert ".W0" not in output
    assert "System check identified no issues" in output


@pytest.mark.parametrize(
    ("overrides", "named_variable"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "crm.example.com,*"}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL"),
        ({"CACHE_URL": None}, "CACHE_URL"),
        ({"CACHE_URL": "locmemcache://"}, "CACHE_URL"),
        ({"TRUSTED_PROXY_COUNT": None}, "TRUSTED_PROXY_COUNT"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
        ({"CELERY_TASK_TIME_LIMIT": "600", "CELERY_VISIBILITY_TIMEOUT": "300"}, "CELERY_VISIBILITY_TIMEOUT"),
        ({"SITE_URL": None}, "SITE_URL"),
        ({"SITE_URL": "crm.example.com"}, "SITE_URL"),
    ],
    ids=[
        "no-secret",
        "short-secret",
        "any-host",
        "any-host-among-others",
        "no-hosts",
        "no-database",
        "no-broker",
        "no-cache",
        "per-process-cache",
        "no-proxy-count",
        "negative-proxy-count",
        "visibility-shorter-than-the-longest-task",
        "no-site-url",
        "site-url-without-scheme",
    ],
)
def test_production_refuses_to_start_without_safe_values(tmp_path, overrides, named_variable):
    result = start_manage(production_environment(tmp_path, **overrides), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named_variable in result.stderr


@pytest.mark.parametrize(
    ("variable", "malformed_value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("TRUSTED_PROXY_COUNT", "one"),
    ],  # fmt: skip
)
def test_a_malformed_value_stops_start_up_naming_the_variable(tmp_path, variable, malformed_value):
    result = start_manage(production_environment(tmp_path, **{variable: malformed_value}), "check")

    assert result.returncode != 0
    assert f"The environment variable {variable} has a malformed value" in result.stderr


def test_the_local_settings_read_booleans_in_the_usual_spellings(tmp_path):
    environment = production_environment(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.local")
    for spelling, expected in [("off", "False"), ("No", "False"), ("1", "True"), ("TRUE", "True")]:
        environment["DJANGO_DEBUG"] = spelling
        result = start_manage(environment, "shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == expected


def test_the_worker_acknowledges_late_one_message_at_a_time_within_a_visibility_timeout_past_the_longest_task(
    tmp_path,
):
    code = (
        "import json; from config.celery import app; c = app.conf; "
        "print(json.dumps([c.task_acks_late, c.task_reject_on_worker_lost, c.worker_prefetch_multiplier, "
        "c.task_time_limit, c.broker_transport_options['visibility_timeout'], c.broker_connection_max_retries]))"
    )
    result = start_manage(production_environment(tmp_path), "shell", "-c", code)

    assert result.returncode == 0, result.stderr
    acks_late, reject_on_lost, prefetch, time_limit, visibility, reconnections = json.loads(
        result.stdout.splitlines()[-1]
    )
    assert (acks_late, reject_on_lost, prefetch) == (True, True, 1)
    assert visibility > time_limit > 0  # a running task is never handed to a second worker
    assert visibility < 60 * 60  # a dead worker's task comes back well before kombu's default hour
    assert reconnections is None  # the worker waits out a broker outage of any length
