"""Real-browser tests: Playwright drives Debian's chromium against a real server process.

The server runs as a newcomer's would (local settings, its own SQLite file, migrated and seeded with
the demo data), so the browser sees exactly what `make run` serves. Tasks run eagerly in the server
process, standing in for the worker. Nothing here downloads a browser.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("RELAIS_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_PASSWORD = "demo-relais-2026"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "CACHE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_READ_DOT_ENV_FILE="false",
        DATABASE_URL=f"sqlite:///{database}",
        CELERY_TASK_ALWAYS_EAGER="true",
        PYTHONUNBUFFERED="1",
    )
    return env


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        # CI installs the browser and must run these tests; a newcomer's machine may not have it yet.
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + " CI runs these tests.")


@contextmanager
def _demo_server(workdir: Path) -> Iterator[str]:
    """A server process on a free port over a fresh SQLite file in `workdir`, migrated and seeded."""
    env = _server_env(workdir / "e2e.sqlite3")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run([*manage, "seed_demo", "--clients", "40", "--interactions-per-client", "2"],
                   cwd=ROOT, env=env, check=True, timeout=300, stdout=subprocess.DEVNULL)  # fmt: skip
    port = _free_port()
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/accounts/login/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((workdir / "server.log").read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def live_url(tmp_path_factory) -> Iterator[str]:
    """The demo server the browser tests share: they leave the seeded organisation as it is."""
    _require_chromium()
    with _demo_server(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture(scope="module")
def own_live_url(tmp_path_factory) -> Iterator[str]:
    """A demo server of the module's own, for tests that change the organisation the others rely on
    (moving a person, closing a team); a module overrides `live_url` with it."""
    _require_chromium()
    with _demo_server(tmp_path_factory.mktemp("e2e-own")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    _require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def login(browser, live_url):
    """Open a fresh browser context signed in as a demo user; returns the page."""
    contexts = []

    def sign_in(username: str, language: str = "en-GB"):
        context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)  # generous: CI shares two cores
        page.goto(f"{live_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("form:has(#id_username) button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url, f"login failed for {username}"
        return page

    yield sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def send_service_request():
    """Press "Send the request" on a filled new-request form and land on the request's page.

    The demo data may already hold an open request of the same category for the client (one open matter
    per category): the page then offers to add the call to it or to send a second request saying why;
    these tests mean a new matter, so they say why.
    """

    def send(page, reason: str = "A different matter from the open one") -> None:
        submit = page.locator("main form.card button[type=submit]")
        with page.expect_navigation():
            submit.click()
        if page.locator("#open-matter-title").count():
            page.fill("#id_reason", reason)
            with page.expect_navigation():
                submit.click()
        expect(page).to_have_url(re.compile(r"/work/requests/\d+/$"))

    return send
