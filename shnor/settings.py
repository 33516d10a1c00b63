"""One settings module, driven by environment variables; a bad value fails loudly at start-up."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHNOR_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


# SHNOR_PRODUCTION switches on everything a public deployment needs: secure cookies, HSTS,
# a mandatory secret key and explicit hosts.
PRODUCTION = env_bool("SHNOR_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when SHNOR_PRODUCTION=1")
    # A development-only key; production refuses to start without its own.
    SECRET_KEY = "dev-only-insecure-key-shnor-monitor"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "shnor.audit",
    "shnor.registry",
    "shnor.plans",
    "shnor.monitoring",
    "shnor.actions",
    "shnor.diagnosis",
    "shnor.intake",
    "shnor.analysis",
    "shnor.exchange",
    "shnor.api",
    "shnor.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "shnor.web.middleware.DatabaseErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into the 429 page
]

# django-axes first: it refuses a locked-out user name before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

ROOT_URLCONF = "shnor.urls"
WSGI_APPLICATION = "shnor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # The Russian filters (agreement, people, numbers) in every template without {% load %}.
            "builtins": ["shnor.web.templatetags.shnor"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shnor.web.context.navigation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'shnor.sqlite3'}"
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured(f"DATABASE_URL must be sqlite:///path or postgres://…, got {DATABASE_URL!r}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while one connection writes. A transaction takes the write lock when it begins
    # (IMMEDIATE), so that a second writer waits for it (up to `timeout` seconds, SQLite retrying the lock) instead
    # of failing at once with "database is locked" when its read snapshot turns out to be stale.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # A slow query must not hold a worker forever; the error page explains the failure.
    statement_timeout = env_int("DB_STATEMENT_TIMEOUT_MS", 30000)
    # No JIT compilation: PostgreSQL compiles any query it estimates costly, and for the analysis's aggregates over a
    # campaign's entries compiling took longer than running (663 of 1,165 ms for 5,000 schools' counts).
    DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={statement_timeout} -c jit=off"
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASE_ROUTERS = ["shnor.routers.AnalyticsReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start if it is missing
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Uploads: evidence files and documents for intake. The limit is checked by the forms with a
# Russian message; Django's own limits only bound what is held in memory.
UPLOAD_MAX_MB = env_int("SHNOR_UPLOAD_MAX_MB", 20)
INTAKE_MAX_MB = env_int("SHNOR_INTAKE_MAX_MB", 50)
# Every uploaded document and Excel/CSV import is read in a child process with these limits: memory on top of the
# server process's own size, and seconds. A file that exceeds them is «слишком большой или повреждённый файл».
SHNOR_READ_MAX_MEMORY_MB = env_int("SHNOR_READ_MAX_MEMORY_MB", 1024)
SHNOR_READ_MAX_SECONDS = env_int("SHNOR_READ_MAX_SECONDS", 60)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Background work (reading uploaded documents, the PDF of an issued справка, reminder e-mails) runs as Django tasks
# (the django-tasks backport of Django 6's framework). The database backend needs no broker: `shnor worker` runs them.
# Another backend (Redis/RQ, Celery) is this one setting; a task that fails is not retried automatically.
TASKS = {"default": {"BACKEND": os.environ.get("SHNOR_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ШНОР-Монитор <noreply@shnor.local>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Security headers; cookies become secure in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files. No inline script
# anywhere (shnor.js binds what needs binding); the one inline <style> (the справка preview) carries the
# request's nonce. Exceptions are per view and say why: the API docs (their own templates, no inline script)
# and the справка opened as a stand-alone HTML document (its styles are inside it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login lock-out (django-axes): after this many failures for one user name from one client address within the
# window, that pair is refused until the window passes or an administrator runs `shnor unlock ИМЯ`.
LOGIN_FAILURE_LIMIT = env_int("SHNOR_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_S = env_int("SHNOR_LOGIN_FAILURE_WINDOW_S", 15 * 60)
# How many reverse proxies of ours stand in front of the app (nginx → gunicorn: 1). Only then is the client's
# address taken from X-Forwarded-For (the entry the outermost proxy added); 0 means REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("SHNOR_TRUSTED_PROXY_COUNT", 0)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "shnor.web.login.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends with its window, however often it is knocked on
AXES_CLIENT_IP_CALLABLE = "shnor.web.login.client_address"
AXES_LOCKOUT_CALLABLE = "shnor.web.login.lockout_response"
AXES_VERBOSE = False

# The cache holds login-failure counters and computed coverage. Several app servers (or gunicorn workers)
# must share it, or each would allow its own five login failures: production defaults to the database.
# A campaign's analysis (the справка page, the dashboard) is computed in the request up to this many schools (≈ 1 s);
# beyond, by a task of the queue, the page showing its progress (shnor.analysis.stored).
ANALYSIS_INLINE_SCHOOLS = env_int("ANALYSIS_INLINE_SCHOOLS", 1000)

CACHE_URL = os.environ.get("CACHE_URL", "db://" if PRODUCTION else "locmem://")
if CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith("db://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "shnor_cache"}}
elif CACHE_URL.startswith("file://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": CACHE_URL[len("file://"):]}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}  # needs `pip install redis`
else:
    raise ImproperlyConfigured(f"CACHE_URL must be locmem://, db://, file:///path or redis://host:port/N, got {CACHE_URL!r}")
# With a shared in-memory cache, sessions are read from it (written through to the database): one query less on
# every page. Not with the others: a process-local cache would keep a session alive in the other workers after a
# logout, and the database or file caches cost what they save.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if CACHE_URL.startswith(("redis://", "rediss://")) else "db")

# An API token works this many days after it is issued (0: until revoked).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 365)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "shnor.api.permissions.TokenAuthentication",  # expires after API_TOKEN_DAYS
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shnor.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ШНОР-Монитор API",
    "DESCRIPTION": "REST API системы мониторинга дорожных карт школ с низкими образовательными результатами",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
