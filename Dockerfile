# Relais CRM image: one image for web (gunicorn), the Celery worker and beat (see docker-compose.yml).
# Settings come from the environment at run time (config/settings/production.py refuses to start
# without them); nothing secret is baked in.

FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# gettext compiles the translation catalogs; it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /app
# The project installs only its pinned dependencies (pyproject: packages = []), so this layer is
# rebuilt when the pins change, not at every code change.
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Build-only values: production settings need them to load; the image never runs with them.
RUN export DJANGO_SETTINGS_MODULE=config.settings.production \
        DJANGO_READ_DOT_ENV_FILE=false \
        DJANGO_SECRET_KEY="build-only-not-a-secret-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
        DJANGO_ALLOWED_HOSTS=build.invalid \
        TRACE_HMAC_KEY="build-only-not-a-secret-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        CELERY_BROKER_URL=memory:// \
    && if [ -d locale ]; then python manage.py compilemessages --ignore=.venv; fi \
    && python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3


FROM python:3.11-slim

# gunicorn reads GUNICORN_CMD_ARGS and WEB_CONCURRENCY (workers) from the environment. Migrations are
# not run here: the server connects as the application role, which may not alter tables; compose's
# one-shot `migrate` service runs them as the owner (docs/trace.md). Forwarded headers are trusted
# from any address because only the reverse proxy reaches the container (compose publishes the port
# on loopback).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_READ_DOT_ENV_FILE=false \
    WEB_CONCURRENCY=3 \
    GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --worker-tmp-dir /dev/shm --access-logfile - --forwarded-allow-ips *"

RUN groupadd --system --gid 1000 relais \
    && useradd --system --uid 1000 --gid relais --create-home --home-dir /home/relais relais

COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app
# The code stays read-only for the service user; only var/ (Celery beat's schedule) is writable.
RUN mkdir -p /app/var && chown relais:relais /app/var

WORKDIR /app
USER relais
EXPOSE 8000

CMD ["gunicorn", "config.wsgi"]
