"""The test suite: the same apps and middleware as production, with fast hashing and eager tasks."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key"  # noqa: S105 - never used outside the test suite
# Its own value, not SECRET_KEY: tests/trace checks that the one can change without the other mattering.
TRACE_HMAC_KEY = "test-only-trace-key"  # noqa: S105 - never used outside the test suite
TRACE_HMAC_RETIRED_KEYS: list[str] = []
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process at commit time, so a test sees what the worker would have done.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": "1000/min",
        "user": "10000/min",
        "token": "1000/min",
        "intake": "1000/min",
        "intake_email": "1000/min",
    },
}
# Whitenoise looks files up per request instead of scanning STATIC_ROOT at start-up: tests never run
# collectstatic, and the start-up scan warns (an error under pytest) that the directory is missing.
WHITENOISE_AUTOREFRESH = True
INTAKE_EMAIL_SECRET = "test-intake-secret"  # noqa: S105 - never used outside the test suite
# Tests assert English texts unless they ask for French (Accept-Language or the user's choice);
# tests/test_translations.py checks that French is complete and served.
LANGUAGE_CODE = "en"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Transactional tests end with the runner's flush, a TRUNCATE of every table, which the trace's
    # triggers refuse unless the session, connected as the tables' owner, says so (migration
    # trace/0003, docs/trace.md). Production never sets this, and its application role may not
    # TRUNCATE whatever it sets.
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c relais.trace_flush=allowed".strip()
