"""Settings shared by every environment.

Values that differ between machines come from the environment (or a `.env` file), parsed by
django-environ: a malformed value stops start-up with a message naming the variable.
"""

from importlib.util import find_spec
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .strict_env import StrictEnv

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = StrictEnv()
# Tests of start-up checks turn the file off, so a developer's `.env` cannot hide a missing variable.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True):
    StrictEnv.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "axes",
    "csp",
    # The shared base's apps: the transactional outbox (tasks that must not be lost), idempotency keys.
    "common.outbox.apps.OutboxConfig",
    "common.idempotency.apps.IdempotencyConfig",
    # `manage.py serve`, the web server `make run` starts (runserver with a longer listen backlog).
    "common.devserver.apps.DevServerConfig",
    "trace.apps.TraceConfig",
    "accounts.apps.AccountsConfig",
    "crm.apps.CrmConfig",
    "workflow.apps.WorkflowConfig",
    "reporting.apps.ReportingConfig",
    # Above every app: the demo data command, which runs each app's own part.
    "demo.apps.DemoConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Writes run in one transaction (a 5xx rolls it all back) and once per Idempotency-Key (common/idempotency).
    "common.idempotency.middleware.AtomicWritesMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# SQLite file by default (a newcomer's first run needs no service); PostgreSQL when DATABASE_URL says so.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The tables' owner, for `manage.py migrate --database owner` and `manage.py db_roles` only: in
# production the processes that serve connect as an application role that owns nothing and may not
# change the trace (docs/trace.md); only the one-shot migrate step is given the owner's credentials.
if env.str("DATABASE_OWNER_URL", default=""):
    DATABASES["owner"] = env.db_url("DATABASE_OWNER_URL")
    # Under tests the owner is the test database's own user: the same connection settings.
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server's threads and the worker write one file; SQLite lets one writer at a time, so every
    # writer must wait its turn instead of failing with "database is locked" (docs/running.md):
    # - IMMEDIATE: every transaction takes the write lock when it begins. A deferred transaction that
    #   reads first (lock a row, check a state, read a chain's head) and then writes cannot wait for
    #   the lock: SQLite answers "busy" at once, whatever the timeout, since waiting could deadlock.
    # - timeout: how long a writer waits for the lock (the busy timeout), then fails. Writes take
    #   milliseconds; a queue of dozens clears in a second or two. Generous, but bounded so that a
    #   stuck writer shows up as an error rather than a hung page.
    # - WAL: readers never wait for the writer, nor the writer for readers; synchronous=NORMAL is
    #   safe in WAL mode and much faster.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def _secret(name: str) -> str:
    """A secret from the variable `name`, or from the file that `name_FILE` points at (Docker secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as problem:
            raise ImproperlyConfigured(f"{name}_FILE names a file that cannot be read: {problem.strerror}") from None
    return env.str(name, default="")


# The trace's hashes are keyed with this secret (DESIGN.md section 7, docs/trace.md), kept outside the
# database and apart from DJANGO_SECRET_KEY, so that rotating the one never breaks the other. Retired
# keys (comma-separated, or one per line in the _FILE) stay listed to verify the events they hashed.
TRACE_HMAC_KEY = _secret("TRACE_HMAC_KEY")
TRACE_HMAC_RETIRED_KEYS = _secret("TRACE_HMAC_RETIRED_KEYS").replace(",", " ").split()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row, nobody anonymous holds rights.
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Credentials that expire (issue 7, finding 13). API keys last this many hours from their issue and
# die with a password change (common.authentication). A session ends after this many hours without a
# request: the session is saved again (its expiry pushed back) at most every SESSION_REFRESH_SECONDS,
# not on every request, so the SQLite file is not written by every page (accounts.middleware).
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24)
SESSION_IDLE_HOURS = env.int("SESSION_IDLE_HOURS", default=8)
SESSION_COOKIE_AGE = SESSION_IDLE_HOURS * 3600
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=300)
# How far ahead a membership may be planned to start (issue 7, finding 12): it grants nothing before.
MEMBERSHIP_MAX_DAYS_AHEAD = env.int("MEMBERSHIP_MAX_DAYS_AHEAD", default=366)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# How many reverse proxies in front of the application append to X-Forwarded-For, and are trusted to:
# 0 (the default) when clients reach the server directly, 1 behind one TLS-terminating proxy. Every
# counter keyed on an address reads the client's address through this one number (common/http.py):
# DRF's throttles (NUM_PROXIES below) and django-axes. Too high, and a client forges its address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more (the reverse proxies in front of the site).")

# Login throttling (django-axes): five failures lock the username from that address for 15 minutes,
# never the username alone: a person locked out by someone else's guesses from elsewhere is a denial
# of service. The address is the one TRUSTED_PROXY_COUNT gives, not the proxy's.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "common.http.client_address"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Bootstrap comes from a pinned PyPI package (bootstrap-wrapper), served as static/bootstrap/…
_bootstrap = find_spec("bootstrap")
if _bootstrap and _bootstrap.submodule_search_locations:
    STATICFILES_DIRS.append(("bootstrap", next(iter(_bootstrap.submodule_search_locations))))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "common.authentication.LanguageTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "common.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
        "token": env.str("API_THROTTLE_TOKEN", default="10/min"),
        # Public channel intake (DESIGN.md section 6): per caller address, the web form and the mail gateway.
        "intake": env.str("INTAKE_THROTTLE_RATE", default="10/min"),
        "intake_email": env.str("INTAKE_EMAIL_THROTTLE_RATE", default="120/min"),
    },
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    # Throttles key on the address TRUSTED_PROXY_COUNT gives (DRF's default trusts any X-Forwarded-For).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relais CRM API",
    "DESCRIPTION": "One shared client record; traced work between trades.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the pinned sidecar package: no CDN (no internet, CSP 'self').
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Tags and operation ids from the resource (`clients_list`), not from the version prefix.
    "SCHEMA_PATH_PREFIX": r"/api/v\d+",
    # One name per choice set used by several fields (else the schema warns and invents names).
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "crm.models.Channel",
        "ClientStatusEnum": "crm.models.ClientStatus",
        "ComplexityEnum": "crm.models.Complexity",
        "DirectionEnum": "crm.models.Direction",
        "ItemKindEnum": "workflow.models.ItemKind",
        "CampaignStatusEnum": "workflow.models_campaigns.CampaignStatus",
        "TargetStatusEnum": "workflow.models_campaigns.TargetStatus",
        "TargetOutcomeEnum": "workflow.models_campaigns.TargetOutcome",
        "PotentialOutcomeEnum": "workflow.models_campaigns.PotentialOutcome",
        "ImportStatusEnum": "workflow.models_campaigns.ImportStatus",
        "IntakeStatusEnum": "workflow.models.IntakeStatus",
        "LeadStatusEnum": "workflow.models.LeadStatus",
        "RequestStatusEnum": "workflow.models.RequestStatus",
        "SegmentEnum": "crm.models.Segment",
        "TeamKindEnum": "accounts.models.TeamKind",
        "TeamScopeEnum": "accounts.models.TeamScope",
        "TimelineEntryTypeEnum": ["interaction"],
    },
}

# Content Security Policy (django-csp 4): only our own origin; htmx and Bootstrap are served locally.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Celery: Redis when CELERY_BROKER_URL is set; otherwise kombu's filesystem transport, an embedded
# broker that lets `make run` start a real worker and beat with no service to install.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
_embedded_broker_dir = Path(env.str("CELERY_EMBEDDED_BROKER_DIR", default=str(BASE_DIR / "var" / "broker")))
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_embedded_broker_dir),
        "data_folder_out": str(_embedded_broker_dir),
        "processed_folder": str(_embedded_broker_dir / "processed"),
        # Fanout exchanges (worker remote control) are recorded here; kombu's default is ./control.
        "control_folder": str(_embedded_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# Work that must not be lost goes through the outbox (common/outbox): the fast path publishes once,
# without Celery's retries, and the relay publishes what the broker refused. Other publishes (beat)
# retry a broker that does not answer, briefly.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# A message is acknowledged when its task has run, not when a worker takes it: a worker that dies
# mid-task leaves it to be delivered again (every task is safe to run twice). A pool process killed
# under a task (kill -9, out of memory) gives its message back at once; a whole worker that dies leaves
# it unacknowledged in Redis, delivered again after the visibility timeout.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per pool process: a worker never holds messages it is not running, which a
# crash would delay until the visibility timeout.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest any task may run (hard limit: the pool process is killed past it). The visibility
# timeout must exceed it, or Redis hands a running task to a second worker; with a margin for the
# queue's own delay. The outbox republishes what is still not done after that.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
# Tasks running when the connection to the broker drops are cancelled: their messages are delivered
# again (acks late), and they are safe to run twice. A worker keeps reconnecting for as long as it takes.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Django's LOGGING (and its personal-data filter) stays in charge of the worker's log.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # How often a worker looks for messages whose worker died (default: every 100 s).
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        # A broker gone silent (not refusing: a partition) must not hang a publish or a web request.
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        # A publish without a retry policy (the outbox's: its relay is the retry) tries to connect once,
        # instead of sleeping through kombu's default reconnection attempts inside a web request.
        # Publishes with a policy (beat's) and the worker's own connection use their own counts.
        "max_retries": 0,
    }

# The outbox (common/outbox): a row not done this long after it was published is published again (the
# broker lost the message, or nobody ran it); later than Redis itself redelivers, to avoid duplicates.
OUTBOX_REDELIVER_AFTER = env.int("OUTBOX_REDELIVER_AFTER", default=CELERY_VISIBILITY_TIMEOUT + 5 * 60)
OUTBOX_RELAY_INTERVAL = env.float("OUTBOX_RELAY_INTERVAL", default=5.0)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=20)
OUTBOX_KEEP_DONE_DAYS = env.int("OUTBOX_KEEP_DONE_DAYS", default=7)
# How long a write's Idempotency-Key is remembered (a client retrying later than that creates again).
IDEMPOTENCY_KEEP_HOURS = env.int("IDEMPOTENCY_KEEP_HOURS", default=24)
CELERY_TIMEZONE = TIME_ZONE
REPORTING_REFRESH_SECONDS = env.int("REPORTING_REFRESH_SECONDS", default=5 * 60)
CELERY_BEAT_SCHEDULE: dict = {
    # The outbox's relay. A run not started within a few intervals is dropped: the next one does its work.
    "outbox-relay": {
        "task": "common.outbox.tasks.relay_outbox_task",
        "schedule": OUTBOX_RELAY_INTERVAL,
        "options": {"expires": max(30.0, 3 * OUTBOX_RELAY_INTERVAL)},
    },
    "outbox-prune": {"task": "common.outbox.tasks.prune_outbox_task", "schedule": 24 * 60 * 60},
    "idempotency-prune": {"task": "common.idempotency.tasks.prune_idempotency_keys_task", "schedule": 60 * 60},
    # Service levels: reminders, escalations and callback announcements; each happens once per item.
    "workflow-sla-scan": {"task": "workflow.tasks.sla_scan_task", "schedule": 5 * 60},
    "workflow-auto-close": {"task": "workflow.tasks.auto_close_task", "schedule": 60 * 60},
    # Overdue portfolio potentials reminded once each; campaigns past their end closed.
    "workflow-potentials-scan": {"task": "workflow.tasks.potentials_scan_task", "schedule": 15 * 60},
    # Indicators (issue 10): the days touched since the last refresh, then the alert rules; every day at night.
    "reporting-refresh": {
        "task": "reporting.tasks.refresh_facts_task",
        "schedule": REPORTING_REFRESH_SECONDS,
        "options": {"expires": REPORTING_REFRESH_SECONDS},
    },
    "reporting-rebuild": {"task": "reporting.tasks.rebuild_facts_task", "schedule": crontab(hour=2, minute=30)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis, or the process's memory while Redis does not answer: a cache outage must not answer 500.
    CACHES["default"]["BACKEND"] = "common.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 1})

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# For django.core.mail.backends.filebased.EmailBackend: the folder each message is written to.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
# Seconds an SMTP exchange may take before it counts as failed (and is retried): shorter than the lease
# a worker holds on a notification while it sends its e-mail (workflow/services/notifications.py).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Notification e-mails: retried on SMTP errors after 10 s, 20 s, 40 s... at most 10 minutes apart.
NOTIFICATION_EMAIL_RETRY_BACKOFF = env.int("NOTIFICATION_EMAIL_RETRY_BACKOFF", default=10)
NOTIFICATION_EMAIL_RETRY_BACKOFF_MAX = env.int("NOTIFICATION_EMAIL_RETRY_BACKOFF_MAX", default=600)
NOTIFICATION_EMAIL_MAX_RETRIES = env.int("NOTIFICATION_EMAIL_MAX_RETRIES", default=8)
# How long a worker holds a notification's e-mail while it sends it: longer than an SMTP exchange can
# last (EMAIL_TIMEOUT per step), so it only runs out on a worker that died; then another sends it.
NOTIFICATION_EMAIL_LEASE_SECONDS = env.int("NOTIFICATION_EMAIL_LEASE_SECONDS", default=5 * 60)
# The site's address as people reach it, for the links in e-mails (read outside any page).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Relais CRM <noreply@relais.example>")

# Business settings.
CLIENT_SEARCH_MIN_SIMILARITY = 0.3
# Workflow (DESIGN.md section 6): lead targets (the response in the agency's business hours: one
# working day; the resolution in calendar days), escalation delay after a reminder, how long a
# resolved request stays open to a reopening before it closes by itself.
LEAD_RESPONSE_HOURS = env.int("LEAD_RESPONSE_HOURS", default=8)
LEAD_RESOLUTION_DAYS = env.int("LEAD_RESOLUTION_DAYS", default=30)
SLA_ESCALATE_AFTER_HOURS = env.int("SLA_ESCALATE_AFTER_HOURS", default=4)
AUTO_CLOSE_RESOLVED_DAYS = env.int("AUTO_CLOSE_RESOLVED_DAYS", default=7)
# Callback windows: how far ahead one may start, and how long one may last (a window without bounds
# would pause an item's clock for ever).
CALLBACK_MAX_DAYS_AHEAD = env.int("CALLBACK_MAX_DAYS_AHEAD", default=90)
CALLBACK_MAX_WINDOW_DAYS = env.int("CALLBACK_MAX_WINDOW_DAYS", default=14)
# Sales and their credits (DESIGN.md section 8; docs/attribution.md): how far back a lead or a proposal
# may initiate a sale, the initiator's part of what the account owner's share leaves, how long a sale
# may be cancelled after it was recorded, and how far back a sale may be dated when it is recorded.
ATTRIBUTION_WINDOW_DAYS = env.int("ATTRIBUTION_WINDOW_DAYS", default=90)
ATTRIBUTION_INITIATOR_SHARE = env.int("ATTRIBUTION_INITIATOR_SHARE", default=50)
SALE_CANCEL_WINDOW_DAYS = env.int("SALE_CANCEL_WINDOW_DAYS", default=14)
SALE_MAX_AGE_DAYS = env.int("SALE_MAX_AGE_DAYS", default=120)
if not 0 <= ATTRIBUTION_INITIATOR_SHARE <= 100:
    raise ImproperlyConfigured("ATTRIBUTION_INITIATOR_SHARE is a percentage: 0 to 100.")
for _days in ("ATTRIBUTION_WINDOW_DAYS", "SALE_CANCEL_WINDOW_DAYS", "SALE_MAX_AGE_DAYS"):
    if not 0 < globals()[_days] <= 3660:
        raise ImproperlyConfigured(f"{_days} is a number of days between 1 and 3660.")
# Campaign call lists and portfolio potentials (issue 9): unanswered calls before a target is given
# up, how long until an unanswered target comes back, how long an agent holds the target they took,
# how far ahead a callback may be set, how far ahead a potential's deadline may be, and the size of
# an import's batches (its progress moves once per batch).
CAMPAIGN_MAX_ATTEMPTS = env.int("CAMPAIGN_MAX_ATTEMPTS", default=3)
CAMPAIGN_RETRY_HOURS = env.int("CAMPAIGN_RETRY_HOURS", default=4)
CAMPAIGN_TAKE_MINUTES = env.int("CAMPAIGN_TAKE_MINUTES", default=30)
CAMPAIGN_CALLBACK_MAX_DAYS = env.int("CAMPAIGN_CALLBACK_MAX_DAYS", default=30)
POTENTIAL_DEADLINE_MAX_DAYS = env.int("POTENTIAL_DEADLINE_MAX_DAYS", default=366)
POTENTIAL_IMPORT_BATCH = env.int("POTENTIAL_IMPORT_BATCH", default=500)
for _number in ("CAMPAIGN_MAX_ATTEMPTS", "CAMPAIGN_RETRY_HOURS", "CAMPAIGN_TAKE_MINUTES", "CAMPAIGN_CALLBACK_MAX_DAYS",
                "POTENTIAL_DEADLINE_MAX_DAYS", "POTENTIAL_IMPORT_BATCH"):  # fmt: skip
    if not 0 < globals()[_number] <= 10_000:
        raise ImproperlyConfigured(f"{_number} is a number between 1 and 10000.")
# Channel intake: new clients met through the web form or e-mail join this agency (empty: the first
# agency by code); the mail gateway proves itself with this shared secret (empty: the endpoint is off).
INTAKE_DEFAULT_AGENCY_CODE = env.str("INTAKE_DEFAULT_AGENCY_CODE", default="")
INTAKE_EMAIL_SECRET = env.str("INTAKE_EMAIL_SECRET", default="")

# No personal data in logs: every handler scrubs e-mail addresses, phone numbers and secrets first.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "common.logfilters.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_personal_data"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers write through the root's scrubbed handler, not through handlers of their own
    # (its console handler in DEBUG, the development server's access log, e-mails to ADMINS).
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
