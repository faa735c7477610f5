"""A developer's machine and `make run`: SQLite and the embedded broker unless told otherwise."""

from .base import *  # noqa: F403
from .base import TRACE_HMAC_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine here: local settings never serve real users (production.py refuses to start
# without its own key).
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-only-insecure-key-for-development")
# Likewise the trace key: a demo database is hashed with this one unless TRACE_HMAC_KEY says otherwise
# (keep it in TRACE_HMAC_RETIRED_KEYS after switching, to verify the events it hashed).
TRACE_HMAC_KEY = TRACE_HMAC_KEY or "local-only-trace-key-for-development"  # noqa: S105 - not a production secret
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
