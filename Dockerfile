# One image for web, worker and beat (docker-compose.yml reuses it with a YAML anchor).
# The case file needs nothing system-level: fpdf2 and python-docx are pure Python, and the letters'
# fonts, if any, are vendored in the source tree. var/documents (the filesystem store, used when no
# S3 bucket is configured) is writable by the application's user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends gettext curl && rm -rf /var/lib/apt/lists/*
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
    && useradd --system --home /app recovery && mkdir -p /app/var/documents && chown -R recovery /app/var
USER recovery

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
