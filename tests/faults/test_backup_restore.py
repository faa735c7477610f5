"""Backups (docs/backup.md): a dump of the database restores into a fresh one whose trace verifies.

The procedure of the document, run for real on PostgreSQL: `pg_dump -Fc` of the test database,
`createdb` of a new one, `pg_restore --no-owner --exit-on-error` into it, then `manage.py
verify_trace` and a count of the rows, against the restored copy.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from trace.models import TraceEvent
from workflow.models import Lead, ServiceRequest
from workflow.services import lead_create, service_request_create

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="pg_dump and pg_restore are PostgreSQL's tools",
    ),
]

REPO = Path(__file__).resolve().parents[2]


def pg(tool: str, *arguments: str, database: str = "postgres") -> subprocess.CompletedProcess:
    db = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [tool, "--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432),
               "--username", db.get("USER") or "postgres", *arguments]  # fmt: skip
    if tool != "createdb" and tool != "dropdb":
        command += ["--dbname", database]
    else:
        command.append(database)
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def manage_on(database: str, *arguments: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    url = f"postgres://{db.get('USER') or 'postgres'}:{db.get('PASSWORD') or ''}@{db.get('HOST') or '127.0.0.1'}:" \
          f"{db.get('PORT') or 5432}/{database}"  # fmt: skip
    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
                   "DJANGO_READ_DOT_ENV_FILE": "false"}  # fmt: skip
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def counts_on(database: str, models: list) -> list[int]:
    code = "; ".join(f"from {model.__module__} import {model.__name__}" for model in models)
    code += "; print(" + ", ".join(f"{model.__name__}.objects.count()" for model in models) + ")"
    result = manage_on(database, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return [int(count) for count in result.stdout.strip().splitlines()[-1].split()]


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_fresh_database_holds_everything_and_its_trace_verifies(org, wf, tmp_path):
    lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                           subject="Invoice", fields={"invoice_number": "F-1"})  # fmt: skip
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "relais.dump"

    pg("pg_dump", "--format=custom", f"--file={dump}", database=source)
    pg("dropdb", "--if-exists", database=restored)
    pg("createdb", database=restored)
    try:
        pg("pg_restore", "--no-owner", "--exit-on-error", str(dump), database=restored)

        verified = manage_on(restored, "verify_trace")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "Trace intact" in verified.stdout
        models = [TraceEvent, Lead, ServiceRequest]
        here = [model.objects.count() for model in models]
        assert counts_on(restored, models) == here and all(here)
    finally:
        pg("dropdb", "--if-exists", database=restored)
