# Cổng phúc lợi đoàn viên — one image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Requirements first, so a code change does not reinstall every package.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# collectstatic imports the settings, which refuse to load without SECRET_KEY when DEBUG is off.
# This key exists only during this build step; the running container gets its own from .env.
# DEBUG=0 selects the compressed manifest storage served by WhiteNoise.
RUN DEBUG=0 SECRET_KEY=build-time-only-not-a-secret python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 portal \
    && mkdir -p /app/var/media \
    && chown -R portal:portal /app/var

USER portal
EXPOSE 8000

CMD ["gunicorn", "unionportal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
