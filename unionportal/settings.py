"""Settings for the Union Benefits Portal.

Every value that differs between machines comes from the environment (see `.env.example`);
there is no separate production settings file.
"""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from unionportal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "unionportal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "treebeard",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "simple_history",
    "outbox",
    "organizations",
    "agreements",
    "reporting",
    "campaigns",
    "notifications",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "unionportal.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Lets the audit history (unionportal/audit.py) name the signed-in user who changed a record.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during the request into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "unionportal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "organizations.context_processors.scope",
            ],
        },
    },
]

WSGI_APPLICATION = "unionportal.wsgi.application"

# --- Database -----------------------------------------------------------------------------
# Persistent connections with health checks: a DB-backed view serves many times more requests
# when it does not reconnect on every request, and a restarted PostgreSQL is noticed.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request (503) within seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery (Redis when REDIS_URL is set; otherwise everything runs in-process) ----
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis down = a cache miss, never an error page (unionportal/cache.py); short timeouts so an
    # unreachable Redis costs a request at most a second or two.
    CACHES = {
        "default": {
            "BACKEND": "unionportal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# /healthz answers 503 when the last heartbeat (a beat task every 5 minutes) is older than this:
# a worker that is up but no longer consuming is noticed.
HEARTBEAT_MAX_AGE = env_int("HEARTBEAT_MAX_AGE", 900)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "unionportal.tasks.heartbeat", "schedule": crontab(minute="*/5")},
    # Tasks the web could not hand to Redis (it was down) wait in the outbox until this sends them.
    "outbox": {"task": "outbox.tasks.outbox_flush", "schedule": crontab(minute="*")},
    # Deadline reminders: one dispatcher a day works out from the forms' deadlines what is due.
    "reminders": {"task": "notifications.tasks.dispatch_reminders", "schedule": crontab(hour=8, minute=0)},
}

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt on an account locked from this address (django-axes).
    "organizations.backends.LoginThrottleBackend",
    "organizations.backends.EmailOrUsernameBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "unionportal.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): an account is locked from one address after
# LOGIN_FAILURE_LIMIT wrong passwords, for LOGIN_LOCKOUT_MINUTES; the same account from another
# address, and other accounts from this one, still log in. The address is the one the nearest
# of TRUSTED_PROXY_COUNT proxies saw (unionportal/security.py): 0 = REMOTE_ADDR only, so a
# forged X-Forwarded-For changes nothing.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
if TRUSTED_PROXY_COUNT < 0 or LOGIN_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be ≥ 0, LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES ≥ 1.")
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "unionportal.security.client_ip"
AXES_USERNAME_CALLABLE = "unionportal.security.login_key"
AXES_LOCKOUT_CALLABLE = "unionportal.security.lockout_response"
# The password never reaches the attempts log; the username and address do (for the admin).
AXES_SENSITIVE_PARAMETERS = ["password"]

# Two-factor authentication (django-otp, TOTP apps and one-time backup codes): the issuer
# shown in the authenticator app.
OTP_TOTP_ISSUER = "Cổng phúc lợi đoàn viên"

# --- Language, time, formats ------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
CELERY_TIMEZONE = TIME_ZONE  # beat's crontabs are local time: the reminders go at 08:00 in Vietnam
USE_I18N = True
USE_TZ = True
# Off: ids in attributes and form values must never read "1.234"; numbers shown to people use
# the `intcomma` filter, which groups with "." in Vietnamese.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["unionportal.formats"]

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
AGREEMENT_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024  # scanned agreements: PDF, JPEG or PNG up to 10 MB
CAMPAIGN_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024  # files of a propaganda plan: PDF, DOCX, JPEG or PNG up to 10 MB
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cổng phúc lợi đoàn viên <no-reply@localhost>")
# Where the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# --- Deadline reminders (notifications app) ---------------------------------------------------
# The address of the portal as people reach it: links in emails are built on it.
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
# Emails a second across all workers, to stay within the mail provider's quota; 0 = no limit.
REMINDER_EMAIL_RATE = env_int("REMINDER_EMAIL_RATE", 0)
# Units per batch task (one SMTP connection per batch); at least 100. Each batch also reads its
# units, officers and reports in ~10 ms of queries whatever its size: 500 spends less of a run on
# them than 200 did (bench `reminders`), and takes ~0.3 s to send without a rate limit.
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 500)
if REMINDER_BATCH_SIZE < 100:
    raise ImproperlyConfigured(f"REMINDER_BATCH_SIZE must be at least 100; got {REMINDER_BATCH_SIZE}")
# Days a reminder missed (beat was down) is still sent by a later run.
REMINDER_GRACE_DAYS = env_int("REMINDER_GRACE_DAYS", 3)

# --- Security (production values unless DEBUG) --------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page (base.html), never from the cookie
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): scripts and style sheets only from our own static files,
# no inline <script>, no on*= handlers, no <style> elements, no plugins, no framing. The one
# allowance is `style-src-attr 'unsafe-inline'`: style="" attributes carry computed widths
# (progress bars) and row indents; an attribute runs no script and, having no selectors,
# cannot read the page (the CSS data-leak tricks need a <style> element, which stays blocked).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous API call gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Anonymous callers and the token endpoint are throttled per client address
    # (unionportal/throttles.py); a throttled caller gets 429 with a Vietnamese message.
    "DEFAULT_THROTTLE_CLASSES": ["unionportal.throttles.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "120/minute"),
        "auth": env_str("API_AUTH_RATE", "10/minute"),
    },
    "EXCEPTION_HANDLER": "unionportal.throttles.exception_handler",
}
for _scope, _rate in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].items():
    # DRF would read a bad rate only at the first request; refuse it at start-up instead.
    if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"API_{_scope.upper()}_RATE must look like 120/minute; got {_rate!r}")

SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng phúc lợi đoàn viên — API",
    "DESCRIPTION": "API của Cổng phúc lợi đoàn viên, Tổng Liên đoàn Lao động Việt Nam.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The error answers (400/401/403/404/429) of every operation, so clients and the schema fuzz
    # test (tests/test_api_fuzzing.py) find them documented.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "unionportal.api_schema.add_error_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set used by several fields called "status" (reporting API).
    "ENUM_NAME_OVERRIDES": {
        "SubmissionStatusEnum": "reporting.choices.SubmissionStatus",
        "ComplianceStatusEnum": "reporting.choices.ComplianceStatus",
        # A section's theme and a plan's list of themes (campaigns API).
        "ThemeEnum": "campaigns.choices.Theme",
    },
}

# Audit history (unionportal/audit.py): shown in the admin, never reverted from there — a report or
# an agreement changes only through its own pages and services.
SIMPLE_HISTORY_REVERT_DISABLED = True

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Spreadsheet imports of more rows than this run as a background (Celery) job with a progress bar.
IMPORT_ASYNC_THRESHOLD = env_int("IMPORT_ASYNC_THRESHOLD", 2000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
