"""Starting the app's processes as `make run` does, for the system tests: the environment of the
embedded default on a temporary folder, a free port, a process in its own session and its stop."""

import os
import signal
import socket
import subprocess
from contextlib import closing
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_env(folder: Path) -> dict[str, str]:
    """What `make run` uses, on files of `folder`: the local settings, SQLite, the embedded broker."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE")}  # fmt: skip
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CELERY_EMBEDDED_BROKER_DIR": str(folder / "broker"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    return env


def start_process(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        # A session of its own: teardown stops the process and whatever it started (beat), by its group id.
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
