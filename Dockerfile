# Production image: gunicorn for the web, the same image for Celery worker/beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=gsan.settings.production

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs the production settings to import; these values exist only at build time.
RUN SECRET_KEY="$(python -c "import secrets; print(secrets.token_urlsafe(50))")" DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://build:6379/0 \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 gsan \
    && mkdir -p /app/var/media && chown -R gsan /app/var

USER gsan
EXPOSE 8000
CMD ["gunicorn", "gsan.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
