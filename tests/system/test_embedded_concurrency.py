"""The embedded default under concurrent use, started as `make run` starts it.

A temporary SQLite file, `migrate`, a small `seed_demo`, then `serve` (`runserver`, threaded) and a Celery
worker with embedded beat on kombu's filesystem broker, as subprocesses. Real HTTP with real API
keys: twenty simultaneous claims of one request, then fifty simultaneous creations of requests and
leads with page sign-ins and failed API sign-ins in the same burst (so sessions, django-axes and
`last_login` write too), while the worker writes the notifications. No answer may be a 5xx: on
SQLite that is "database is locked", the failure this test exists for.

SQLite pass only: it is about the embedded default; the PostgreSQL pass runs the same race in
tests/workflow/test_claim_concurrency.py.
"""

import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from accounts.demo import DEMO_PASSWORD
from tests.system.processes import REPO, embedded_env, free_port, start_process, stop_process
from workflow.models import ItemKind, Lead, Notification, ServiceRequest

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="about the embedded default (SQLite and the filesystem broker); on PostgreSQL the same race "
        "is tests/workflow/test_claim_concurrency.py",
    ),
]

AGENCY_CODES = ("lille", "amiens", "marseille", "nice")
START_TIMEOUT = 60  # seconds for the server and the worker to come up on a busy two-core machine
WORKER_TIMEOUT = 60  # seconds for the worker to write the notifications of a burst (after the seed's backlog)


@dataclass
class Answer:
    status: int  # 0: no HTTP answer at all (refused, reset, timed out)
    body: str
    headers: list[tuple[str, str]] = field(default_factory=list)

    def json(self) -> dict:
        return json.loads(self.body)

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def __str__(self) -> str:
        if self.status >= 500:
            # Django's debug answer to a non-browser starts with the exception and its message.
            return f"{self.status} " + " ".join(self.body.splitlines()[:2])[:160]
        return f"{self.status} {self.body[:160]}"


def summary(answers: Iterable[Answer]) -> str:
    """How many of each status, then each distinct answer that is not a 2xx, 3xx, 400 or 409."""
    answers = list(answers)
    statuses = Counter(answer.status for answer in answers)
    odd = Counter(str(answer) for answer in answers if answer.status not in (200, 201, 302, 400, 409))
    return f"statuses {dict(sorted(statuses.items()))}; " + "; ".join(f"{n} x {text}" for text, n in odd.items())


def fire(calls: list[Callable[[], Answer]]) -> list[Answer]:
    """Send every prepared call at the same instant, each from its own thread: that many people at once."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Answer]) -> Answer:
        start.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@dataclass
class EmbeddedApp:
    port: int
    env: dict[str, str]
    db_path: Path
    logs: dict[str, Path]
    seed: dict = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=self.env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip

    def prepare(self, method: str, path: str, *, token: str = "", data: dict | None = None,
                form: dict | None = None, cookies: str = "") -> Callable[[], Answer]:  # fmt: skip
        """Open the connection now; the returned call sends the request on it.

        A burst measures the application, not how fast the server accepts connections: connecting
        first keeps the listen queue out of it (tests/system/test_server_backlog.py holds that part).
        """
        headers = {"Accept": "application/json", "Connection": "close"}
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        if form is not None:
            body, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        if token:
            headers["Authorization"] = f"Token {token}"
        if cookies:
            headers["Cookie"] = cookies
        connection = HTTPConnection("127.0.0.1", self.port, timeout=90)
        try:
            connection.connect()
        except OSError as error:
            refused = Answer(0, repr(error))
            return lambda: refused

        def send() -> Answer:
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                return Answer(response.status, response.read().decode(errors="replace"), response.getheaders())
            except OSError as error:
                return Answer(0, repr(error))
            finally:
                connection.close()

        return send

    def call(self, method: str, path: str, **options) -> Answer:
        return self.prepare(method, path, **options)()

    def sign_in_token(self, username: str, password: str = DEMO_PASSWORD) -> Callable[[], Answer]:
        return self.prepare("POST", "/api/v1/auth/token/", data={"username": username, "password": password})

    def tokens_for(self, usernames: Iterable[str]) -> dict[str, str]:
        """API keys over HTTP, obtained all at once (the token endpoint writes too: django-axes, the key)."""
        usernames = list(usernames)
        missing = [name for name in usernames if name not in self.tokens]
        if missing:
            answers = fire([self.sign_in_token(name) for name in missing])
            assert all(answer.status == 200 for answer in answers), summary(answers)
            self.tokens.update({name: answer.json()["token"] for name, answer in zip(missing, answers, strict=True)})
        return {name: self.tokens[name] for name in usernames}

    def page_sign_in(self, username: str) -> Callable[[], Answer]:
        """Open the sign-in page now; the returned call submits it (a session, axes' log, `last_login`)."""
        page = self.call("GET", "/accounts/login/")
        assert page.status == 200, page
        csrf_cookie = next(value.split(";")[0] for value in page.header("Set-Cookie") if value.startswith("csrftoken="))
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        form = {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": csrf}
        return self.prepare("POST", "/accounts/login/", form=form, cookies=csrf_cookie)

    def rows(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """Read the app's database file directly, as a third connection next to the server's and the worker's."""
        with closing(sqlite3.connect(self.db_path, timeout=30)) as db:
            return db.execute(sql, tuple(params)).fetchall()

    def count(self, model) -> int:
        return self.rows(f"SELECT COUNT(*) FROM {model._meta.db_table}")[0][0]  # noqa: S608 - a model's table

    def notified(self, kind: str, item_ids: Iterable[int]) -> dict[int, set[int]]:
        """Who the worker has notified so far, per item."""
        ids = list(item_ids)
        marks = ",".join("?" * len(ids))
        found: dict[int, set[int]] = {item_id: set() for item_id in ids}
        query = (f"SELECT item_id, recipient_id FROM {Notification._meta.db_table} "  # noqa: S608 - a model's table
                 f"WHERE item_kind = ? AND item_id IN ({marks})")  # fmt: skip
        for item_id, recipient_id in self.rows(query, [kind, *ids]):
            found[item_id].add(recipient_id)
        return found

    def wait_for_notifications(self, kind: str, item_ids: Iterable[int], expect: Callable[[set[int]], bool]) -> None:
        """Until every item's recipients so far meet `expect`, or fail after WORKER_TIMEOUT."""
        deadline = time.monotonic() + WORKER_TIMEOUT
        while True:
            found = self.notified(kind, item_ids)
            missing = sorted(item_id for item_id, recipients in found.items() if not expect(recipients))
            if not missing:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"no notification from the worker after {WORKER_TIMEOUT}s for {kind} {missing}\n"
                            + self.log_tail("worker"))  # fmt: skip
            time.sleep(0.5)

    def log_tail(self, name: str, lines: int = 40) -> str:
        text = self.logs[name].read_text(errors="replace").splitlines()
        return f"--- {name} log (last {lines} lines) ---\n" + "\n".join(text[-lines:])

    def assert_no_lock_errors(self) -> None:
        for name in self.logs:
            log = self.logs[name].read_text(errors="replace")
            assert "database is locked" not in log, self.log_tail(name, 80)


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen, app: EmbeddedApp, name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if process.poll() is not None:
            pytest.fail(f"the {name} stopped (exit {process.returncode})\n" + app.log_tail(name))
        if time.monotonic() > deadline:
            pytest.fail(f"the {name} did not start within {START_TIMEOUT}s\n" + app.log_tail(name))
        time.sleep(0.2)


@pytest.fixture(scope="module")
def embedded_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    port = free_port()
    env = embedded_env(folder)
    # Forty-odd people sign in within a minute from one address: more than the token throttle allows.
    env["API_THROTTLE_TOKEN"] = "1000/min"
    app = EmbeddedApp(port=port, env=env, db_path=folder / "db.sqlite3",
                      logs={"server": folder / "server.log", "worker": folder / "worker.log"})  # fmt: skip
    for args in (("migrate", "--noinput"), ("seed_demo", "--clients", "40", "--interactions-per-client", "1"),
                 ("shell", "-c", f"from tests.system.embedded_seed import seed; seed({str(folder / 'seed.json')!r})")):  # fmt: skip
        done = app.manage(*args)
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    app.seed = json.loads((folder / "seed.json").read_text())

    processes = []
    try:
        server = start_process([sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--noreload"],
                               env=env, log=app.logs["server"])  # fmt: skip
        processes.append(server)
        worker = start_process([sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "--pool=solo",
                                "--loglevel=info", "--hostname", f"embedded-{port}@%h",
                                "--schedule-filename", str(folder / "celerybeat-schedule")],
                               env=env, log=app.logs["worker"])  # fmt: skip
        processes.append(worker)
        _wait_until(lambda: app.call("GET", "/accounts/login/").status == 200, server, app, "server")
        _wait_until(lambda: " ready." in app.logs["worker"].read_text(errors="replace"), worker, app, "worker")
        yield app
    finally:
        for process in processes:
            stop_process(process)


def test_twenty_simultaneous_claims_one_wins_nineteen_conflict(embedded_app):
    app = embedded_app
    sender = app.tokens_for(["reception_lille"])["reception_lille"]
    created = app.call("POST", "/api/v1/service-requests/", token=sender,
                       data={"client": app.seed["clients"]["lille"][0], "category": "billing",
                             "subject": "Facture contestée", "fields": {"invoice_number": "F-CLAIM-1"},
                             # The demo client may have an open billing request already: a second one, said so.
                             "confirm": True, "reason": "Autre facture"})  # fmt: skip
    assert created.status == 201, created
    request = created.json()
    assert (request["status"], request["team"], request["assignee"]) == ("new", app.seed["billing_team"], None)

    tokens = app.tokens_for(app.seed["claimers"])
    answers = fire([app.prepare("POST", f"/api/v1/service-requests/{request['id']}/claim/", token=token)
                    for token in tokens.values()])  # fmt: skip

    assert sorted(answer.status for answer in answers) == [200] + [409] * 19, summary(answers)
    winner = next(answer for answer in answers if answer.status == 200).json()["assignee"]
    seen = app.call("GET", f"/api/v1/service-requests/{request['id']}/", token=sender).json()
    assert (seen["status"], seen["assignee"]) == ("assigned", winner)
    # The worker wrote while the claims did: the winner heard of the new request (as a member of the
    # queue, or as its holder). The sender hears of outcomes only, not that it was taken in charge.
    app.wait_for_notifications(ItemKind.SERVICE_REQUEST, [request["id"]],
                               lambda recipients: winner in recipients)  # fmt: skip
    app.assert_no_lock_errors()


def test_fifty_simultaneous_creations_all_created_traced_and_notified(embedded_app):
    app = embedded_app
    receptions = {code: f"reception_{code}" for code in AGENCY_CODES}
    tokens = app.tokens_for(receptions.values())
    requests_before, leads_before = app.count(ServiceRequest), app.count(Lead)

    creations = []
    for n in range(50):
        code = AGENCY_CODES[n % len(AGENCY_CODES)]
        client = app.seed["clients"][code][n % len(app.seed["clients"][code])]
        token = tokens[receptions[code]]
        if n % 2 == 0:
            fault = {"client": client, "category": "fault", "subject": f"Ligne coupée {n}",
                     "fields": {"line_number": f"03 20 {n:02d} 00 00"}, "confirm": True, "reason": "Autre ligne"}  # fmt: skip
            creations.append(app.prepare("POST", "/api/v1/service-requests/", token=token, data=fault))
        else:
            lead = {"client": client, "subject": f"Projet fibre {n}"}
            creations.append(app.prepare("POST", "/api/v1/leads/", token=token, data=lead))
    # In the same burst: people signing in to the pages (session, django-axes' access log,
    # `last_login`) and mistyped API passwords (django-axes counts the failure in a transaction).
    sign_ins = [app.page_sign_in(username) for username in ("manager_lille", "sales_amiens", "billing_paca")]
    failures = [app.sign_in_token(f"nobody{n}", password="wrong") for n in range(3)]

    answers = fire(creations + sign_ins + failures)
    created, signed_in, refused = answers[:50], answers[50:53], answers[53:]

    assert [answer.status for answer in created] == [201] * 50, summary(created)
    # Signed in: sent on to the home page with a session.
    assert all(answer.status == 302 and "/accounts/login/" not in answer.header("Location")[0]
               and any(value.startswith("sessionid=") for value in answer.header("Set-Cookie"))
               for answer in signed_in), summary(signed_in)  # fmt: skip
    assert [answer.status for answer in refused] == [400] * 3, summary(refused)

    request_ids = [answer.json()["id"] for answer in created[0::2]]
    lead_ids = [answer.json()["id"] for answer in created[1::2]]
    assert (app.count(ServiceRequest), app.count(Lead)) == (requests_before + 25, leads_before + 25)
    assert len(set(request_ids)) == 25 and len(set(lead_ids)) == 25
    verified = app.manage("verify_trace")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # Every new request and lead reached its holder through the worker, written beside the web's writes.
    app.wait_for_notifications(ItemKind.SERVICE_REQUEST, request_ids, bool)
    app.wait_for_notifications(ItemKind.LEAD, lead_ids, bool)
    app.assert_no_lock_errors()
