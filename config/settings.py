"""Settings, read from the environment (see .env.example).

Embedded defaults run the service with no server at all: SQLite under var/ and Celery's
filesystem broker. DATABASE_URL switches to PostgreSQL, CELERY_BROKER_URL (or REDIS_URL) to Redis.
"""

import ipaddress
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database import database_config, database_role
from config.env import env_bool, env_choice, env_int, env_list, env_str
from config.env import parse_public_url as _parse_public_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "test", "production"})
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "djmoney",
    "django_countries",
    "auditlog",
    "drf_spectacular",
    "recovery",
    "cases",
    "mla_requests.apps.RequestsConfig",
    "assets",
    "documents",
    "incoming",
    # --- admin helper: CSV/XLSX export and import in the admin ---
    "import_export",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # --- admin helper: the signed-in user's preferred language (after authentication) ---
    "recovery.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user as the actor of every change made during the request.
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "recovery.User"

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
            ],
        },
    },
]

_env = environ.Env()
# Two roles on PostgreSQL (config/database.py, docs/security.md): DATABASE_URL is the application's,
# which only reads and writes rows; DATABASE_OWNER_URL, if set, the tables' owner, for migrate and
# grant_app_role. Unset, everything runs on DATABASE_URL.
_DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL")
DATABASE_ROLE = database_role(
    sys.argv, owner_url=DATABASE_OWNER_URL, forced=env_choice("DJANGO_DB_ROLE", "", {"", "app", "owner"})
)
# The role `manage.py grant_app_role` grants to when not named: the user of DATABASE_URL.
DATABASE_APP_ROLE = environ.Env.db_url_config(_DATABASE_URL).get("USER", "")
DATABASES = {"default": database_config(_DATABASE_URL, DATABASE_OWNER_URL, DATABASE_ROLE)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file in `make run`: wait for locks
    # instead of failing at once, and take the write lock at the start of a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English, Russian and Kazakh.
LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
# locale_supplement/: Kazakh strings Django, import-export and django-countries lack (admin helper).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_supplement"]
USE_I18N = True
# One unambiguous date style per language (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Almaty")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- The case file (docs/documents.md) ---------------------------------------------------------
# Document files: the filesystem under var/documents by default (outside every served directory),
# or an S3-compatible store (MinIO in compose) when DOCUMENTS_S3_BUCKET is set. Never a public URL:
# files are served only by the checked, audited download views.
DOCUMENTS_S3_BUCKET = env_str("DOCUMENTS_S3_BUCKET", "")
if DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "endpoint_url": env_str("DOCUMENTS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("DOCUMENTS_S3_REGION", "us-east-1"),
            "access_key": env_str("DOCUMENTS_S3_ACCESS_KEY", "") or None,
            "secret_key": env_str("DOCUMENTS_S3_SECRET_KEY", "") or None,
            "location": env_str("DOCUMENTS_S3_PREFIX", "documents"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": env_choice("DOCUMENTS_S3_ADDRESSING", "path", {"path", "virtual", "auto"}),
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "documents"), "base_url": None},
    }
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
DOCUMENT_ALLOWED_TYPES = env_list(
    "DOCUMENT_ALLOWED_TYPES",
    [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/msword",
        "application/rtf",
        "image/jpeg",
        "image/png",
        "image/tiff",
        "text/plain",
    ],
)
# Analysts (and anyone who reads a case without writing it) see identifiers masked, so by default
# they see the list of a case's documents but not the files, which carry identifiers in full.
DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES = env_bool("DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES", default=False)

# --- Domain settings -------------------------------------------------------------------------
# The requesting state: requests are never addressed to it.
HOME_COUNTRY = env_str("RECOVERY_HOME_COUNTRY", "KZ").upper()
# Response deadline when neither the legal instrument nor the country profile says otherwise.
DEFAULT_RESPONSE_DAYS = env_int("RECOVERY_DEFAULT_RESPONSE_DAYS", 90, minimum=1, maximum=3650)
# Our own deadline to supply what a requested state asked for ("additional information
# requested"), in days from its request, unless the investigator sets one.
SUPPLEMENTARY_INFO_DAYS = env_int("RECOVERY_SUPPLEMENTARY_INFO_DAYS", 30, minimum=1, maximum=3650)
# Execution deadline of an incoming request when neither the requesting state nor the legal
# instrument sets one, in days from its receipt.
INCOMING_EXECUTION_DAYS = env_int("RECOVERY_INCOMING_EXECUTION_DAYS", 90, minimum=1, maximum=3650)
DEFAULT_CURRENCY = env_str("RECOVERY_DEFAULT_CURRENCY", "KZT")
REPORTING_CURRENCY = env_str("RECOVERY_REPORTING_CURRENCY", "USD")
CURRENCIES = None  # every ISO 4217 currency (django-money)
# The currencies offered first in every currency select (recovery.currencies); the others follow
# by code, current ISO 4217 codes only.
COMMON_CURRENCIES = env_list(
    "RECOVERY_COMMON_CURRENCIES", ["KZT", "USD", "EUR", "GBP", "CHF", "RUB", "CNY", "AED", "TRY", "KGS", "UZS"]
)
if any(len(code) != 3 or not code.isalpha() for code in COMMON_CURRENCIES):
    raise ImproperlyConfigured(f"RECOVERY_COMMON_CURRENCIES={COMMON_CURRENCIES!r}: three-letter ISO 4217 codes.")
COMMON_CURRENCIES = [code.upper() for code in COMMON_CURRENCIES]
COUNTRIES_FIRST = [HOME_COUNTRY]
# The requesting authority that generated request letters name (documents/letters.py), in the
# office's three letter languages, with the contacts printed under every letter.
RECOVERY_OFFICE_NAME = {
    "en": env_str("RECOVERY_OFFICE_NAME_EN", "Prosecutor General's Office of the Republic of Kazakhstan"),
    "ru": env_str("RECOVERY_OFFICE_NAME_RU", "Генеральная прокуратура Республики Казахстан"),
    "kk": env_str("RECOVERY_OFFICE_NAME_KK", "Қазақстан Республикасының Бас прокуратурасы"),
}
RECOVERY_OFFICE_ADDRESS = {
    "en": env_str("RECOVERY_OFFICE_ADDRESS_EN", "Astana, Republic of Kazakhstan"),
    "ru": env_str("RECOVERY_OFFICE_ADDRESS_RU", "г. Астана, Республика Казахстан"),
    "kk": env_str("RECOVERY_OFFICE_ADDRESS_KK", "Астана қ., Қазақстан Республикасы"),
}
RECOVERY_OFFICE_PHONE = env_str("RECOVERY_OFFICE_PHONE", "")
RECOVERY_OFFICE_EMAIL = env_str("RECOVERY_OFFICE_EMAIL", "")

# --- Django REST framework and the /api/v1/ schema (issue 4) -------------------------------------
# Tokens for systems (recovery.api.authentication), sessions for the browser; problem+json errors;
# capped pagination with a sync cursor; throttles per token and per user in the Django cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so an unauthenticated call is 401 with WWW-Authenticate, not 403.
        "recovery.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["recovery.api.permissions.ApiAccess"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "recovery.api.ordering.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "recovery.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["recovery.api.parsers.JSONBodyParser"],
    "EXCEPTION_HANDLER": "recovery.api.exceptions.problem_details_handler",
    "DEFAULT_THROTTLE_CLASSES": ["recovery.api.throttling.TokenOrUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("API_THROTTLE_TOKEN", "1200/minute"),
        "user": env_str("API_THROTTLE_USER", "600/minute"),
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Asset recovery API",
    "DESCRIPTION": (
        "Cases, outgoing requests for legal assistance and assets abroad, for agency integrations. "
        "Authenticate with `Authorization: Token <token>`. Writes: PUT/PATCH need `If-Match` with the "
        "ETag of the last GET; POST accepts an `Idempotency-Key`. Errors are problem details (RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from drf-spectacular-sidecar: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recovery.api.schema.add_problem_responses",
        "recovery.api.schema.add_descriptions_and_examples",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.Case.Status",
        "RequestStatusEnum": "mla_requests.models.Request.Status",
        "AssetStatusEnum": "assets.models.Asset.Status",
        "AssetKindEnum": "assets.models.Asset.Kind",
        "SubjectKindEnum": "cases.models.Subject.Kind",
        "LegalInstrumentKindEnum": "recovery.models.LegalInstrument.Kind",
        "DocumentKindEnum": "documents.models.Document.Kind",
        "DocumentLanguageEnum": "documents.models.Document.Language",
        "LetterLanguageEnum": "mla_requests.api.serializers.LETTER_LANGUAGES",
        "IncomingRequestStatusEnum": "incoming.models.IncomingRequest.Status",
        # Outgoing requests' channels keep the name they had before incoming requests' arrived.
        "ChannelEnum": "mla_requests.models.Request.Channel",
        "IncomingChannelEnum": "incoming.models.IncomingRequest.Channel",
        "RefusalGroundEnum": "incoming.models.IncomingRequest.RefusalGround",
        "ExecutionDueSourceEnum": "incoming.models.IncomingRequest.DeadlineSource",
        "FollowUpChannelEnum": "mla_requests.models.FollowUp.Channel",
        "AgreementKindEnum": "assets.models.AssetAgreement.Kind",
        "AssetTimelineStepEnum": "assets.models.AssetStatusChange.Step",
        "ClaimStatusEnum": "assets.models.ThirdPartyClaim.Status",
    },
}
INSTALLED_APPS += ["drf_spectacular_sidecar"]

# --- Cache ------------------------------------------------------------------------------------
# CACHE_URL (e.g. redis://127.0.0.1:6379/1) gives every process one shared cache: API throttle
# counters, the table versions behind the API's list cache (recovery.table_versions). Without it
# each process has its own memory cache, which is enough for `make run` and the tests.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {"default": _env.cache_url_config(CACHE_URL)}
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        # django-redis keeps one client per server; Django's own backend builds a new redis.Redis
        # (and its table of ~170 response callbacks) for every cache call, several per request.
        CACHES["default"]["BACKEND"] = "django_redis.cache.RedisCache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "recovery"}}
# API list pages served again while none of the tables they were read from changed, for at most
# this long (recovery/api/list_cache.py). On by default only with a shared cache: with one cache
# per process a write in one would not reach the pages kept by another.
RECOVERY_API_LIST_CACHE_SECONDS = env_int(
    "RECOVERY_API_LIST_CACHE_SECONDS", 300 if CACHE_URL else 0, minimum=0, maximum=86400
)

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    # Embedded default: kombu's filesystem transport under var/, no server needed.
    _broker_dir = VAR_DIR / "celery" / "broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    # Longer than any task's time limit, so an acks_late task is not redelivered while running.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# At least a minute, so the soft limit 30 s earlier stays positive.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# --- Reminders (issue 5: deadline reminders; docs/reminders.md) -------------------------------
# Defaults of the reminder policy; administrators override them per legal instrument or country
# (mla_requests.ReminderPolicy). The beat schedule is in config/beat.py, overridable from the
# environment (REMINDER_SCAN_CRON, REMINDER_DIGEST_CRON, REMINDER_SCHEDULE_REPAIR_CRON: a cron
# expression or "disable").
from config.beat import beat_schedule  # noqa: E402
from mla_requests.reminders import parse_days_list as _parse_days_list  # noqa: E402

try:
    REMINDER_DAYS_BEFORE = _parse_days_list(env_str("REMINDER_DAYS_BEFORE", "14,3"))
except ValueError as _exc:
    raise ImproperlyConfigured(f"REMINDER_DAYS_BEFORE: {_exc}.") from None
REMINDER_OVERDUE_EVERY_DAYS = env_int("REMINDER_OVERDUE_EVERY_DAYS", 14, minimum=1, maximum=365)
REMINDER_ESCALATE_AFTER_DAYS = env_int("REMINDER_ESCALATE_AFTER_DAYS", 30, minimum=1, maximum=3650)
REMINDER_ACK_CHASE_AFTER_DAYS = env_int("REMINDER_ACK_CHASE_AFTER_DAYS", 30, minimum=1, maximum=3650)
REMINDER_WORKING_DAYS = env_bool("REMINDER_WORKING_DAYS", False)
# Local hour (TIME_ZONE) from which the daily digests go out.
REMINDER_DIGEST_HOUR = env_int("REMINDER_DIGEST_HOUR", 9, minimum=0, maximum=23)
# A claim older than this is taken to be a crashed worker's and is retried; longer than any task.
REMINDER_CLAIM_TIMEOUT = env_int("REMINDER_CLAIM_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60, minimum=60)
REMINDER_EMAIL_MAX_ATTEMPTS = env_int("REMINDER_EMAIL_MAX_ATTEMPTS", 8, minimum=1, maximum=50)
# Days before a freeze abroad expires on which the people responsible are reminded (and once more
# the day it lapses): assets.freeze_reminders.
try:
    RECOVERY_FREEZE_EXPIRY_REMINDER_DAYS = _parse_days_list(
        env_str("RECOVERY_FREEZE_EXPIRY_REMINDER_DAYS", "30,14,7,1")
    )
except ValueError as _exc:
    raise ImproperlyConfigured(f"RECOVERY_FREEZE_EXPIRY_REMINDER_DAYS: {_exc}.") from None
# The service's public address (scheme and host, no trailing slash): every full link in reminders,
# notifications and emails starts with it (recovery.links.public_link). REMINDER_SITE_URL is its
# former name, still read when PUBLIC_URL is not set, and kept as an alias of it.
try:
    PUBLIC_URL = _parse_public_url(
        env_str("PUBLIC_URL", "") or env_str("REMINDER_SITE_URL", "") or "http://127.0.0.1:8000"
    )
except ValueError as _exc:
    raise ImproperlyConfigured(f"PUBLIC_URL: {_exc}.") from None
REMINDER_SITE_URL = PUBLIC_URL  # deprecated alias: read PUBLIC_URL
CELERY_BEAT_SCHEDULE = beat_schedule()
if REMINDER_CLAIM_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("REMINDER_CLAIM_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
if "visibility_timeout" in CELERY_BROKER_TRANSPORT_OPTIONS and (
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= CELERY_TASK_TIME_LIMIT
):
    # With acks_late, a message still running when the timeout ends would be delivered again.
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
# --- end of reminders ----------------------------------------------------------------------------

# --- Dashboard snapshots (issue 8; docs/dashboards.md) ---------------------------------------
# Pages are served from stored figures younger than MAX_AGE; the task refreshes them every
# REFRESH seconds (0: no task; views then compute and store on a miss). MAX_AGE=0: always live.
RECOVERY_DASHBOARD_REFRESH_SECONDS = env_int("RECOVERY_DASHBOARD_REFRESH_SECONDS", 300, minimum=0, maximum=86400)
RECOVERY_DASHBOARD_MAX_AGE_SECONDS = env_int("RECOVERY_DASHBOARD_MAX_AGE_SECONDS", 600, minimum=0, maximum=86400)
if 0 < RECOVERY_DASHBOARD_MAX_AGE_SECONDS <= RECOVERY_DASHBOARD_REFRESH_SECONDS:
    # The refreshed snapshots would go stale before the next refresh and views would compute live.
    raise ImproperlyConfigured("RECOVERY_DASHBOARD_MAX_AGE_SECONDS must exceed RECOVERY_DASHBOARD_REFRESH_SECONDS.")
from config.beat import dashboard_refresh_entry  # noqa: E402

CELERY_BEAT_SCHEDULE.update(dashboard_refresh_entry(RECOVERY_DASHBOARD_REFRESH_SECONDS))

# The rendered dashboard figures (recovery/dashboards/fragments.py) have a cache alias of their
# own, bounded in memory. Their keys name everything an entry depends on, so no process ever needs
# to be told to drop one: per-process memory is correct, and a shared Redis (the default cache's
# CACHE_URL, or RECOVERY_DASHBOARD_CACHE_URL for a database of its own) only lets the workers share
# what each renders.
_dashboard_cache_url = env_str("RECOVERY_DASHBOARD_CACHE_URL") or CACHE_URL
if _dashboard_cache_url and not _dashboard_cache_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("RECOVERY_DASHBOARD_CACHE_URL must be a redis://, rediss:// or unix:// URL.")
CACHES["dashboards"] = (
    {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": _dashboard_cache_url, "KEY_PREFIX": "dashboards"}
    if _dashboard_cache_url
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "dashboards",
        # A page's figures are 20-300 KiB of HTML; 200 of them bound a process's share.
        "OPTIONS": {"MAX_ENTRIES": 200},
    }
)

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "asset-recovery@localhost")

# --- Audit ------------------------------------------------------------------------------------
AUDITLOG_STORE_JSON_CHANGES = True

# --- Admin import/export (admin helper) ------------------------------------------------------
# Imports run in a transaction: the preview is a rolled-back dry run, and one bad row undoes all.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# === Security and audit (issue 7) =============================================================
# One block so merges stay easy: login lockout (django-axes), TOTP two-factor (django-otp),
# Content-Security-Policy (django-csp), session lifetimes, audit events. See docs/security.md.
import datetime as _dt  # noqa: E402

INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]
# Its `auditlogflush` takes the place of django-auditlog's (the first app listed wins) and refuses:
# the change log is append-only.
INSTALLED_APPS.insert(INSTALLED_APPS.index("auditlog"), "recovery.security.auditlog_commands")
# The CSP header goes on every response, including errors, so it sits next to SecurityMiddleware.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
# The change log records the client address as the security events do (behind trusted proxies only).
MIDDLEWARE[MIDDLEWARE.index("auditlog.middleware.AuditlogMiddleware")] = (
    "recovery.security.middleware.TrustedAddressAuditlogMiddleware"
)
# Records every 403 (as permission_denied) whatever produced it: admin, API, CSRF, decorators.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "recovery.security.middleware.PermissionDeniedAuditMiddleware",
)
_auth_index = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_auth_index + 1 : _auth_index + 1] = [
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session expiry, then the two-factor gate for roles that need it.
    "recovery.security.middleware.SessionExpiryMiddleware",
    "recovery.security.middleware.TwoFactorMiddleware",
]
# An API token's list pages are served from the cache before sessions, CSRF and DRF (their checks
# made on the cached entry instead: recovery/api/list_cache.py); the headers of the middleware
# above it (security, CSP) still go on every answer.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "recovery.api.list_cache.TokenListCacheMiddleware",
)
# Axes turns its lockout flag into a response; it must be last.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

AUTHENTICATION_BACKENDS = [
    # Refuses any attempt on a locked-out username before the password is even checked.
    "recovery.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login lockout: after this many failures the username is locked for the cool-off period.
AXES_FAILURE_LIMIT = env_int("RECOVERY_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = _dt.timedelta(minutes=env_int("RECOVERY_LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
# A username is locked after the limit from any address (a distributed guessing attack still hits
# it), and an address after the limit whatever usernames it tries (sweeping many accounts).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "recovery.security.requestinfo.client_ip"
AXES_VERBOSE = False

# Two-factor authentication (TOTP). Always required for supervisors, administrators and
# superusers; for investigators only when this is on.
RECOVERY_2FA_REQUIRED_FOR_INVESTIGATORS = env_bool("RECOVERY_2FA_REQUIRED_FOR_INVESTIGATORS", False)
# Off only for tests of other parts and local experiments; production refuses to start without it.
RECOVERY_2FA_ENFORCED = env_bool("RECOVERY_2FA_ENFORCED", True)
if PRODUCTION and not RECOVERY_2FA_ENFORCED:
    raise ImproperlyConfigured("RECOVERY_2FA_ENFORCED cannot be turned off when DJANGO_ENV=production.")
OTP_TOTP_ISSUER = env_str("RECOVERY_OTP_ISSUER", "Asset recovery")
# django-otp's backoff refuses the next code, right or wrong, for a while after every failure;
# off, and instead a device is locked after this many wrong codes in a row, for this long
# (recovery/security/twofactor.py).
OTP_TOTP_THROTTLE_FACTOR = 0
RECOVERY_OTP_FAILURE_LIMIT = env_int("RECOVERY_OTP_FAILURE_LIMIT", 5, minimum=1, maximum=100)
RECOVERY_OTP_LOCKOUT_SECONDS = env_int("RECOVERY_OTP_LOCKOUT_MINUTES", 15, minimum=1) * 60
# Nobody, administrators included, can read another user's TOTP secret or QR code in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "admin:login"

# Sessions: end after this much inactivity, and in any case this long after login.
RECOVERY_SESSION_IDLE_SECONDS = env_int("RECOVERY_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
RECOVERY_SESSION_ABSOLUTE_SECONDS = env_int("RECOVERY_SESSION_ABSOLUTE_HOURS", 10, minimum=1) * 3600
SESSION_COOKIE_AGE = RECOVERY_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The reverse proxies in front of the app, by address or CIDR network (comma-separated; none by
# default). Only a request arriving from one of them has its X-Forwarded-For read, from the right,
# for the client's address (recovery.security.requestinfo.client_ip): without it, the header is
# whatever the client wrote.
RECOVERY_TRUSTED_PROXIES = env_list("RECOVERY_TRUSTED_PROXIES", [])
for _proxy in RECOVERY_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"RECOVERY_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 172.29.213.10, 10.0.0.0/24)."
        ) from None

# Content-Security-Policy (django-csp 4): our own origin, no inline script. The admin works under
# it (its inline styles are allowed); so do the API docs: Swagger UI and ReDoc come from
# drf-spectacular-sidecar under 'self', started by scripts of their own (recovery/api/docs.py).
# Other hosts to load scripts, styles and images from, if a deployment ever needs them (none by default).
_CSP_ASSET_HOSTS = env_list("RECOVERY_CSP_ASSET_HOSTS", [])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_CSP_ASSET_HOSTS],
        "style-src": ["'self'", "'unsafe-inline'", *_CSP_ASSET_HOSTS],
        "img-src": ["'self'", "data:", *_CSP_ASSET_HOSTS],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
X_FRAME_OPTIONS = "DENY"
# Axes logs every successful login's reset at INFO; the audit events already record logins.
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Old keys still accepted for signatures while a rotation settles (docs/security.md).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
if PRODUCTION and DEBUG:
    # Debug pages show settings and data; never in production, whatever DJANGO_DEBUG says.
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters when DJANGO_ENV=production.")
# === end of security and audit block ==========================================================
