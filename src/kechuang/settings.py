"""Django settings. Everything that differs between machines comes from the environment.

Production is the default: DEBUG off, no demo, secure cookies once HTTPS is declared. The
server refuses to start with the published SECRET_KEY or without ALLOWED_HOSTS
(`core/checks.py`); `kechuang demo` sets KECHUANG_DEMO=1 and serves with a demo key.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("KECHUANG_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env(DEBUG=(bool, False))

DEBUG = env.bool("DEBUG", default=False)
# The demo province (`kechuang demo`, `make run`): published passwords, a demo key, plain http.
DEMO = env.bool("KECHUANG_DEMO", default=False)
DEFAULT_SECRET_KEY = "kechuang-local-only-not-for-production"
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
# Production must name its hosts: the local default is no answer to "which site is this".
ALLOWED_HOSTS_EXPLICIT = "ALLOWED_HOSTS" in os.environ
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=["http://127.0.0.1:8000"])

INSTALLED_APPS = [
    "kechuang.core.admin_site.KechuangAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "kechuang.core",
    "kechuang.registry",
    "kechuang.programs",
    "kechuang.market",
    "kechuang.web",
]
# The demo app (its `demo` command and the record of demo builds) is installed where the demo
# runs and in the test run, whose tests build demo provinces (pytest sets PYTEST_VERSION for
# the length of a session); a production install has neither its tables nor its command.
DEMO_APP = DEMO or "PYTEST_VERSION" in os.environ
if DEMO_APP:
    INSTALLED_APPS.append("kechuang.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kechuang.core.idempotency.IdempotencyMiddleware",
    "kechuang.core.security.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kechuang.core.security.AccountGateMiddleware",
    "kechuang.core.security.DownloadAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a lock-out found during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kechuang.web.context.navigation",
            ],
        },
    },
]

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}"
DATABASES = {"default": env.db_url("DATABASE_URL", default=DEFAULT_SQLITE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a batch job writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA cache_size=-64000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    # Counts failures per user and per address and refuses a locked-out login (django-axes).
    "kechuang.core.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "email")},
    },
    {"NAME": f"{_VALIDATION}.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
]
# Slow hashes only; the tests switch to MD5 in tests/conftest.py.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Lock-out after repeated failures on the site, the admin and the API (django-axes): per
# user name and, separately, per address; lifted by time or by an administrator.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kechuang.core.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind N reverse proxies the client address is the N-th from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after the
# login, whatever happens in between (`core/security.SessionLimitsMiddleware`).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_MAX_SECONDS = env.int("SESSION_MAX_HOURS", default=12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# htmx sends the token from the page (base.html), so scripts never need the cookie.
CSRF_COOKIE_HTTPONLY = True

# Two-factor (TOTP, django-otp): required of province and city admins when on; optional
# for everyone else. Off in the demo and the tests, on in production.
REQUIRE_ADMIN_2FA = env.bool("REQUIRE_ADMIN_2FA", default=not (DEBUG or DEMO))
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="科创平台")
# Accounts flagged `must_change_password` (created by an administrator or a generator) choose
# their own password at first login; the demo keeps its published one.
FORCE_PASSWORD_CHANGE = env.bool("FORCE_PASSWORD_CHANGE", default=not DEMO)

# Behind a TLS-terminating proxy (HTTPS=1): the proxy's X-Forwarded-Proto is trusted, cookies
# are sent over TLS only and browsers are told to use nothing else (HSTS). The local demo
# serves plain http and leaves these off.
HTTPS = env.bool("HTTPS", default=False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles from this site only (htmx and
# ECharts are served locally), no inline script, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Uploads of large workbooks are streamed to disk rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads: the largest file accepted, and the days an uploaded or generated file is kept.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
UPLOAD_RETENTION_DAYS = env.int("UPLOAD_RETENTION_DAYS", default=90)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

NINJA_PAGINATION_PER_PAGE = 20

# Background jobs (core/jobs.py, run by `kechuang worker`).
JOBS_INLINE = env.bool("JOBS_INLINE", default=False)  # run at once in the caller (tests)
JOBS_MAX_HEAVY = env.int("JOBS_MAX_HEAVY", default=1)  # heavy jobs running at once
JOBS_POLL = env.float("JOBS_POLL", default=1.0)  # seconds between a worker's polls
JOBS_HEARTBEAT = env.float("JOBS_HEARTBEAT", default=10.0)  # seconds between heartbeats
# A job on another host whose heartbeat is older than this is taken for dead.
JOBS_STALE_AFTER = env.int("JOBS_STALE_AFTER", default=300)
JOBS_PROGRESS_EVERY = env.float("JOBS_PROGRESS_EVERY", default=0.5)  # seconds between writes

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # The product's own loggers; children propagate to "kechuang".
        "kechuang": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "kechuang.jobs": {"level": LOG_LEVEL},
        "kechuang.auth": {"level": LOG_LEVEL},
        "kechuang.bank": {"level": LOG_LEVEL},
        "kechuang.imports": {"level": LOG_LEVEL},
    },
}

# --- machine clients of the API (core/apikeys.py, core/throttles.py, core/idempotency.py) ---
API_KEY_DAYS = env.int("API_KEY_DAYS", default=365)  # validity of a new key, by default
API_KEY_MAX_DAYS = env.int("API_KEY_MAX_DAYS", default=730)
API_RATE_USER = env.str("API_RATE_USER", default="1200/m")  # per account; empty: no limit
API_RATE_ANON = env.str("API_RATE_ANON", default="120/m")  # per address
IDEMPOTENCY_HOURS = env.int("IDEMPOTENCY_HOURS", default=24)
