"""Production: every secret and host comes from the environment, or the process refuses to start."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import TRACE_HMAC_KEY, env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names (no '*').")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DEBUG = False

# The SQLite file, the folder broker and the per-process cache of base.py serve one machine; in
# production their quiet fallback would lose data or tasks, or split the throttles' and lock-out's
# counts between processes (each gunicorn worker its own ten tries a minute), so all three are named.
for _required in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
    if not env.str(_required, default=""):
        raise ImproperlyConfigured(f"Set the {_required} environment variable (production has no default).")

# The trace key (docs/trace.md): without it every append would fail; the same as the secret key, a
# rotation of the one would break the other.
if not TRACE_HMAC_KEY:
    raise ImproperlyConfigured("Set TRACE_HMAC_KEY (or TRACE_HMAC_KEY_FILE): the key of the trace's hashes.")
if len(TRACE_HMAC_KEY) < 32:
    raise ImproperlyConfigured("TRACE_HMAC_KEY must be at least 32 characters long.")
if TRACE_HMAC_KEY == SECRET_KEY:
    raise ImproperlyConfigured("TRACE_HMAC_KEY must differ from DJANGO_SECRET_KEY.")

if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):  # noqa: F405
    raise ImproperlyConfigured("CACHE_URL must name a cache every process shares (Redis), not a per-process one.")

# E-mails link to the site from outside any page: a link to the development address would mislead.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.netloc:
    raise ImproperlyConfigured("Set SITE_URL to the address people open the site at, e.g. https://crm.example.com.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Behind the reverse proxy of docker-compose.yml, set TRUSTED_PROXY_COUNT=1 (base.py): the count is
# never guessed, since too high a number lets a client forge the address throttles and lock-out count.
if env.str("TRUSTED_PROXY_COUNT", default="") == "":
    raise ImproperlyConfigured(
        "Set TRUSTED_PROXY_COUNT: how many reverse proxies in front of the site add X-Forwarded-For "
        "(0 when clients reach it directly, 1 behind one TLS-terminating proxy)."
    )

# The SMTP server as one URL, e.g. smtp+tls://user:password@mail.example.com:587. The URL's path is
# not a folder for mails: base.py's EMAIL_FILE_PATH stays (the file-based backend, fault scripts).
vars().update({name: value for name, value in env.email_url("EMAIL_URL", default="smtp://localhost:25").items()
               if name != "EMAIL_FILE_PATH"})  # fmt: skip
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
