"""`make run`'s web server holds a burst of simultaneous connections (`manage.py serve`).

Django's `runserver` listens with a backlog of ten: while it is busy, the eleventh connection onwards
overflow the kernel's listen queue, and their clients wait for SYN retransmissions (one second, three,
seven...) or are reset, depending on the kernel. `serve` is the same server with a backlog of 128.

Started as `make run` starts it (a subprocess on the local settings and a temporary SQLite file), on
a port of its own. SQLite pass only, like tests/system/test_embedded_concurrency.py.
"""

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection, HTTPResponse

import pytest
from django.conf import settings

from tests.system.processes import REPO, embedded_env, free_port, start_process, stop_process

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="about the embedded default's web server; the database plays no part",
    ),
]

BURST = 50
PAGE = "/accounts/login/"
START_TIMEOUT = 60  # seconds for the server to come up on a busy two-core machine
# Far longer than a handshake takes on the loopback (microseconds), shorter than the three SYN
# retransmissions (1 + 3 + 7 s) a connection left out of a full listen queue would wait for.
CONNECT_TIMEOUT = 10


def status_of(connection: HTTPConnection) -> str:
    """The answer's status, or what happened instead (reset, timeout...)."""
    try:
        response: HTTPResponse = connection.getresponse()
        response.read()
        return str(response.status)
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    env = embedded_env(folder)
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = free_port()
    log = folder / "server.log"
    process = start_process([sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--noreload"],
                            env=env, log=log)  # fmt: skip
    try:
        for _ in range(START_TIMEOUT * 5):
            assert process.poll() is None, log.read_text()
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", PAGE)
            except OSError:
                time.sleep(0.2)
                continue
            if status_of(connection) == "200":
                break
        else:
            pytest.fail(f"the server did not answer within {START_TIMEOUT}s\n{log.read_text()}")
        yield port, process
    finally:
        stop_process(process)


def test_fifty_simultaneous_connections_all_get_an_answer(server):
    port, _ = server
    start = threading.Barrier(BURST)

    def visit(_: int) -> str:
        start.wait(timeout=60)
        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", PAGE, headers={"Connection": "close"})
        except OSError as error:
            return type(error).__name__
        return status_of(connection)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        answers = Counter(pool.map(visit, range(BURST)))

    assert answers == {"200": BURST}


def test_fifty_connections_wait_in_the_queue_while_the_server_is_busy(server):
    """The server stopped dead (a long request, a busy machine): the kernel alone takes the connections
    into the listen queue, and the server answers every one once it runs again."""
    port, process = server
    connections = []
    process.send_signal(signal.SIGSTOP)
    try:
        for _ in range(BURST):
            connection = HTTPConnection("127.0.0.1", port, timeout=CONNECT_TIMEOUT)
            try:
                connection.request("GET", PAGE, headers={"Connection": "close"})
            except OSError:
                break  # the listen queue is full: this one is left waiting for the kernel, or refused
            connections.append(connection)
    finally:
        process.send_signal(signal.SIGCONT)
    for connection in connections:
        connection.sock.settimeout(60)

    assert len(connections) == BURST, f"{len(connections)} of {BURST} connections taken in while the server was busy"
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        assert Counter(pool.map(status_of, connections)) == {"200": BURST}
