"""`manage.py serve`: `runserver` (with the static files handler) listening with a backlog of 128."""

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.core.servers.basehttp import WSGIServer

BACKLOG = 128


class BurstWSGIServer(WSGIServer):
    """Django's development WSGI server with room for `BACKLOG` connections waiting to be accepted.

    socketserver passes `request_queue_size` to `listen()`; the kernel caps it at net.core.somaxconn.
    """

    request_queue_size = BACKLOG


class Command(RunserverCommand):
    help = f"Like runserver (same arguments), with a listen backlog of {BACKLOG} connections: what `make run` starts."
    # `runserver` builds its server from this class (threaded: mixed with ThreadingMixIn, which keeps it).
    server_cls = BurstWSGIServer
