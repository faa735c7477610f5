"""What every fault script needs: private services, the app started as in production, and counting.

Each script starts its OWN Redis and its OWN PostgreSQL cluster (a fresh `initdb` in a temporary
folder, on the ports it is given), so it can stop, kill and restart them without disturbing anything
else on the machine. The app runs as `docker-compose.yml` runs it: production settings, gunicorn, a
Celery worker (prefork) and a separate beat, all on that Redis and that PostgreSQL. Notification
e-mails go to Django's file-based backend, one folder all processes write to, read back to count
what each person received.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, suppress
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "")) if os.environ.get("PG_BIN") else None
RECEPTIONS = {"lille": "reception_lille", "amiens": "reception_amiens", "marseille": "reception_marseille",
              "nice": "reception_nice"}  # fmt: skip
SECRET_KEY = "fault-scripts-only-" + "x7Qp2" * 10
# Production refuses to start without a trace key of its own (docs/trace.md); the demo seeded under local
# settings gets the same key from the environment, so its events verify under production.
TRACE_HMAC_KEY = "fault-scripts-trace-key-" + "k3Rw9" * 6


def log(message: str) -> None:
    # UTC: django.setup() changes the process's time zone midway (TIME_ZONE).
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def arguments(description: str, **defaults: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--redis-port", type=int, default=defaults.get("redis_port", 6390),
                        help="port of the private Redis this script starts (must be free)")  # fmt: skip
    parser.add_argument("--pg-port", type=int, default=defaults.get("pg_port", 5440),
                        help="port of the private PostgreSQL cluster this script starts (must be free)")  # fmt: skip
    parser.add_argument("--web-port", type=int, default=0, help="port for gunicorn (default: a free one)")
    parser.add_argument("--items", type=int, default=defaults.get("items", 200), help="items to create")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, mails, data)")
    return parser.parse_args()


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    with closing(socket.socket()) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for(what: str, ready: Callable[[], bool], *, timeout: float = 60, every: float = 0.25) -> float:
    """Poll until `ready()`; return the seconds it took, or raise naming `what`."""
    started = time.monotonic()
    while not ready():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)
    return time.monotonic() - started


# --- Services ---------------------------------------------------------------------------------------


class RedisServer:
    """A Redis of our own, with no persistence: a restart loses every queued message (the worst case)."""

    def __init__(self, port: int, folder: Path) -> None:
        if not port_free(port):
            raise SystemExit(f"Port {port} is taken: give --redis-port a free port for this script's own Redis.")
        self.port, self.folder = port, folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        with (self.folder / "redis.log").open("a") as out:
            # The Redis on the PATH, as CI installs it; persistence off.
            command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                       "--appendonly", "no", "--dir", str(self.folder)]  # fmt: skip
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for("Redis answers", self.answers, timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class PostgresServer:
    """A PostgreSQL cluster of our own: `initdb` in a temporary folder, trust authentication on 127.0.0.1.

    Run as root (CI), the server runs as the `postgres` account, as Debian's clusters do.
    """

    def __init__(self, port: int, folder: Path) -> None:
        if not port_free(port):
            raise SystemExit(f"Port {port} is taken: give --pg-port a free port for this script's own PostgreSQL.")
        self.port, self.folder = port, folder / "postgres"
        self.data = self.folder / "data"
        self.bin = PG_BIN or _pg_bin()

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)  # noqa: S603

    def init(self) -> None:
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-instructions")  # fmt: skip

    def start(self) -> None:
        # fsync off: only processes die in these scripts, never the machine, so the OS keeps what was written.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options,
                  "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        with suppress(subprocess.CalledProcessError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def createdb(self, name: str) -> None:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if not found:
        raise SystemExit("initdb not found: install PostgreSQL's server package or set PG_BIN.")
    return Path(found).parent


# --- HTTP -------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no HTTP answer (refused, reset, timed out)
    body: str
    seconds: float = 0.0
    replayed: bool = False  # the stored answer of an earlier attempt under the same Idempotency-Key

    def json(self) -> dict:
        return json.loads(self.body)


def call(port: int, method: str, path: str, *, token: str = "", data: dict | None = None,
         timeout: float = 60, idempotency_key: str = "") -> Answer:  # fmt: skip
    headers = {"Accept": "application/json", "Connection": "close"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    body = None
    if data is not None:
        body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    started = time.monotonic()
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read().decode(errors="replace"), time.monotonic() - started,
                      replayed=response.getheader("Idempotent-Replayed") == "true")  # fmt: skip
    except OSError as error:
        return Answer(0, repr(error), time.monotonic() - started)
    finally:
        connection.close()


def in_parallel(calls: Iterable[Callable[[], Answer]], *, workers: int = 8) -> list[Answer]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda run: run(), list(calls)))


def statuses(answers: Iterable[Answer]) -> dict[int, int]:
    return dict(sorted(Counter(answer.status for answer in answers).items()))


# --- The application --------------------------------------------------------------------------------


@dataclass
class App:
    """The app as docker-compose.yml runs it, on this script's own services."""

    folder: Path
    redis: RedisServer
    postgres: PostgresServer
    web_port: int
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    clients: dict[str, list[int]] = field(default_factory=dict)

    @property
    def mail_folder(self) -> Path:
        return self.folder / "mail"

    @property
    def env(self) -> dict[str, str]:
        kept = {name: value for name, value in os.environ.items()
                if not name.startswith(("DJANGO_", "CELERY_", "OUTBOX_", "EMAIL_")) and name not in
                ("DATABASE_URL", "CACHE_URL", "SITE_URL", "TRUSTED_PROXY_COUNT")}  # fmt: skip
        return {
            **kept,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_READ_DOT_ENV_FILE": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "TRACE_HMAC_KEY": TRACE_HMAC_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # No TLS in front of gunicorn here: production's redirect to HTTPS would answer every call.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "TRUSTED_PROXY_COUNT": "0",
            "DATABASE_URL": self.postgres.url("relais"),
            "CELERY_BROKER_URL": f"{self.redis.url}/0",
            "CACHE_URL": f"{self.redis.url}/1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_folder),
            # Hundreds of calls from one address within a minute: the scripts measure faults, not throttles.
            "API_THROTTLE_TOKEN": "10000/min",
            "API_THROTTLE_USER": "100000/min",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def manage(self, *args: str, settings: str = "config.settings.production") -> str:
        done = subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "manage.py", *args], cwd=REPO, capture_output=True, text=True,
            env={**self.env, "DJANGO_SETTINGS_MODULE": settings}, timeout=600,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr[-4000:]}")
        return done.stdout

    def prepare(self, *, clients: int = 30) -> None:
        """A fresh database, migrated as production does, with the demo organisation (seeded as a developer
        would: seed_demo refuses production settings, whose logins must never share a password)."""
        self.postgres.createdb("relais")
        self.mail_folder.mkdir()
        self.manage("migrate", "--noinput")
        if not (REPO / "staticfiles" / "staticfiles.json").exists():
            self.manage("collectstatic", "--noinput")  # as the Dockerfile does: error pages need the manifest
        self.manage("seed_demo", "--clients", str(clients), "--interactions-per-client", "0",
                    settings="config.settings.local")  # fmt: skip

    def _start(self, name: str, command: list[str]) -> None:
        with (self.folder / f"{name}.log").open("a") as out:
            # A session of its own: stopping it stops what it started (gunicorn's and Celery's children).
            self.processes[name] = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def start_web(self) -> None:
        self._start("web", [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.web_port}",
                            "--workers", "2", "--threads", "4", "--timeout", "120"])  # fmt: skip
        wait_for("gunicorn answers", lambda: call(self.web_port, "GET", "/api/schema/", timeout=5).status in
                 (200, 401, 403), timeout=90)  # fmt: skip

    def start_worker(self, *, concurrency: int = 2) -> None:
        log_file = self.folder / "worker.log"
        already = log_file.read_text(errors="replace").count(" ready.") if log_file.exists() else 0
        self._start("worker", [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=info",
                               f"--concurrency={concurrency}", "--hostname", f"faults-{self.web_port}@%h"])  # fmt: skip
        wait_for("the worker is ready", lambda: log_file.read_text(errors="replace").count(" ready.") > already,
                 timeout=90)  # fmt: skip

    def start_beat(self) -> None:
        self._start("beat", [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=info",
                             "--schedule", str(self.folder / "celerybeat-schedule")])  # fmt: skip

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def start_like_production(self) -> None:
        """gunicorn, a worker and beat, then the reception agents' API keys; once the seed's e-mails went."""
        self.start_web()
        self.start_worker()
        self.start_beat()
        self.sign_in(RECEPTIONS.values())

    def sign_in_call(self, username: str) -> Answer:
        from accounts.demo import DEMO_PASSWORD

        return call(
            self.web_port, "POST", "/api/v1/auth/token/", data={"username": username, "password": DEMO_PASSWORD}
        )

    def sign_in(self, usernames: Iterable[str]) -> None:
        for username in usernames:
            answer = self.sign_in_call(username)
            if answer.status != 200:
                raise RuntimeError(f"sign-in of {username}: {answer.status} {answer.body[:300]}")
            self.tokens[username] = answer.json()["token"]

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace").splitlines() if path.exists() else []
        return f"--- {name}.log (last {lines} lines) ---\n" + "\n".join(text[-lines:])


def use_django(app: App) -> None:
    """Read the app's database from this process, with the app's own settings and models."""
    os.environ.update(app.env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def load_clients(app: App) -> None:
    from crm.models import Client

    for code in RECEPTIONS:
        app.clients[code] = list(Client.objects.filter(agency__code=code).order_by("pk").values_list("pk", flat=True))


def creation(app: App, n: int, *, tag: str, idempotent: bool = False) -> Callable[[], Answer]:
    """The n-th item of a run: service requests and leads in turn, across the four agencies, each with a
    subject unique to it (`tag`-n), so that the database tells afterwards what was created how often.
    `idempotent`: every attempt carries the creation's Idempotency-Key, as a client that retries should."""
    code = list(RECEPTIONS)[n % len(RECEPTIONS)]
    token = app.tokens[RECEPTIONS[code]]
    client = app.clients[code][n % len(app.clients[code])]
    if n % 2 == 0:
        # Several faults on one client in a run: each is confirmed as a second matter with a reason, as an
        # agent would, since one open request per category answers 409 with the open one otherwise.
        path, data = "/api/v1/service-requests/", {"client": client, "category": "fault", "subject": f"{tag}-{n}",
                                                   "fields": {"line_number": "03 20 00 00 00"},
                                                   "confirm": True, "reason": "Another line is down"}  # fmt: skip
    else:
        path, data = "/api/v1/leads/", {"client": client, "subject": f"{tag}-{n}"}
    key = f"{tag}-{n}" if idempotent else ""
    return lambda: call(app.web_port, "POST", path, token=token, data=data, idempotency_key=key)


def answered_items(answers: list[Answer]) -> set[tuple[str, int]]:
    """(item kind, id) of the creations answered 201, in the order `creation` made them."""
    from workflow.models import ItemKind

    return {(ItemKind.SERVICE_REQUEST if n % 2 == 0 else ItemKind.LEAD, answer.json()["id"])
            for n, answer in enumerate(answers) if answer.status == 201}  # fmt: skip


def reconnect() -> None:
    """Drop this process's database connection: the server may have restarted under it."""
    from django.db import connection

    connection.close()


def created_subjects(tag: str) -> Counter[str]:
    """How many rows of each subject `tag`-n exist, requests and leads together."""
    from workflow.models import Lead, ServiceRequest

    reconnect()
    counts: Counter[str] = Counter()
    for model in (ServiceRequest, Lead):
        counts.update(model.objects.filter(subject__startswith=f"{tag}-").values_list("subject", flat=True))
    return counts


def items_of(tag: str) -> list[tuple[str, int]]:
    """(item kind, id) of every request and lead created by the run."""
    from workflow.models import ItemKind, Lead, ServiceRequest

    reconnect()
    return [(ItemKind.SERVICE_REQUEST, pk) for pk in
            ServiceRequest.objects.filter(subject__startswith=f"{tag}-").values_list("pk", flat=True)] + [
        (ItemKind.LEAD, pk) for pk in Lead.objects.filter(subject__startswith=f"{tag}-").values_list("pk", flat=True)
    ]  # fmt: skip


# --- Counting e-mails -------------------------------------------------------------------------------

MESSAGE_SEPARATOR = "\n" + "-" * 79 + "\n"
ITEM_LINK = re.compile(r"https?://\S+?/work/(?:requests|leads)/\d+/")


def mails_received(folder: Path) -> Counter[tuple[str, str]]:
    """(recipient, item link) of every e-mail the file-based backend wrote, with how many times each."""
    received: Counter[tuple[str, str]] = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_text(errors="replace").split(MESSAGE_SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip())
            payload = message.get_payload(decode=True)
            if not message["To"] or payload is None:
                continue  # a message still being written
            links = ITEM_LINK.findall(payload.decode(message.get_content_charset() or "utf-8", errors="replace"))
            received[(message["To"].strip(), links[0] if links else "")] += 1
    return received


def mails_expected(items: Iterable[tuple[str, int]]) -> Counter[tuple[str, str]]:
    """(recipient, item link) of every notification written for the items that its recipient wants by
    e-mail (decided when it was written, from the person's e-mail choices)."""
    from django.conf import settings

    from workflow.models import Notification
    from workflow.notifications import describe

    expected: Counter[tuple[str, str]] = Counter()
    wanted = set(items)
    notifications = Notification.objects.select_related("recipient").exclude(recipient__email="")
    for notification in notifications.filter(item_id__in={pk for _kind, pk in wanted}, email_wanted=True):
        if (notification.item_kind, notification.item_id) in wanted:
            (described,) = describe([notification], reader=notification.recipient)
            expected[(notification.recipient.email, settings.SITE_URL.rstrip("/") + described.url)] += 1
    return expected


@dataclass
class Delivery:
    expected: int
    delivered_once: int
    lost: int
    duplicated: int

    def __str__(self) -> str:
        return (f"{self.expected} e-mails expected: {self.delivered_once} delivered exactly once, "
                f"{self.lost} not delivered, {self.duplicated} delivered more than once")  # fmt: skip


def delivery(expected: Counter, received: Counter) -> Delivery:
    once = sum(min(count, received[key]) for key, count in expected.items() if received[key] == count)
    lost = sum(max(0, count - received[key]) for key, count in expected.items())
    duplicated = sum(max(0, received[key] - count) for key, count in expected.items())
    return Delivery(sum(expected.values()), once, lost, duplicated)


def wait_for_mails(app: App, items: list[tuple[str, int]], *, timeout: float) -> tuple[Delivery, float | None]:
    """Poll until every expected e-mail arrived (or `timeout`); (the delivery, seconds it took or None)."""
    started = time.monotonic()
    while True:
        reconnect()
        expected = mails_expected(items)
        result = delivery(expected, mails_received(app.mail_folder))
        if result.lost == 0:
            return result, time.monotonic() - started
        if time.monotonic() - started > timeout:
            return result, None
        time.sleep(0.5)


def outbox_drained(*, timeout: float = 120) -> float:
    """Wait until every outbox row is done (the seed's e-mails, say), so a run starts from a quiet state."""
    from common.outbox.models import Outbox

    def drained() -> bool:
        reconnect()
        return not Outbox.objects.filter(done_at__isnull=True).exists()

    return wait_for("the outbox is drained", drained, timeout=timeout, every=0.5)


def verify_trace(app: App) -> bool:
    try:
        app.manage("verify_trace")
    except RuntimeError as error:
        log(str(error)[:2000])
        return False
    return True


class Run:
    """The folder, the services and the app of one script, torn down whatever happens."""

    def __init__(self, options: argparse.Namespace, *, extra_env: dict[str, str] | None = None) -> None:
        # A time limit (CI's `timeout`) ends the script with SIGTERM: tear down as on any other exit, or
        # the private PostgreSQL, Redis and the app's processes would outlive it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        self.options = options
        self.folder = Path(tempfile.mkdtemp(prefix="relais-faults-"))
        os.chmod(self.folder, 0o755)  # noqa: S103 - PostgreSQL's account must reach its folder inside
        self.redis = RedisServer(options.redis_port, self.folder)
        self.postgres = PostgresServer(options.pg_port, self.folder)
        self.app = App(self.folder, self.redis, self.postgres, options.web_port or free_port(),
                       extra_env=extra_env or {})  # fmt: skip

    def __enter__(self) -> App:
        log(f"working folder {self.folder}")
        try:
            self.postgres.init()
            self.postgres.start()
            self.redis.start()
            log("seeding the demo organisation (migrate, seed_demo)")
            self.app.prepare()
            use_django(self.app)
            load_clients(self.app)
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self.app

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is not None:
            for name in ("web", "worker", "beat"):
                print(self.app.log_tail(name), flush=True)
        self.app.stop_all()
        self.redis.stop()
        self.postgres.stop("immediate")
        if self.options.keep:
            log(f"kept {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def background(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread
