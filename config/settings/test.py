"""The test suite: the same apps and middleware as production, with fast hashing and eager tasks."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key"  # noqa: S105 - never used outside the test suite
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
