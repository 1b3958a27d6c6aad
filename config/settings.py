"""The one settings module. Everything that differs between machines comes from the environment."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


TESTING = "pytest" in sys.modules
DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (set DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN (CSP)
    "events",
    "checkin",
    "networking",
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
    "config.security.SecurityHeadersMiddleware",
    "config.ratelimit.RateLimitMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
                "events.context_processors.current_event",
            ],
        },
    },
]

# Threads per daphne process that run Django's views: a request waiting for the database lets
# another one run (one Python process still uses one core at most: run one process per core).
VIEW_THREADS = env_int("VIEW_THREADS", 4)

# Storage: DATABASE_URL, SQLite file by default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Each daphne process runs its views on VIEW_THREADS threads (config.asgi), so a few
        # connections per process stay open between requests.
        conn_max_age=env_int("CONN_MAX_AGE", 0 if TESTING else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (daphne processes, scanner bursts) on one file: write-ahead log, a busy
    # timeout instead of "database is locked", and BEGIN IMMEDIATE so a transaction that will
    # write takes the write lock up front instead of failing to upgrade a read lock later.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
# Test databases are named per test process so that parallel runs never share one; SQLite's is
# a file, not memory, so that the daphne processes the tests start see the same data.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test_db_{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Live updates: Redis when REDIS_URL is set (several processes), in-memory otherwise (one process).
REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYER_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", f"dldtest{os.getpid()}" if TESTING else "dld")
if REDIS_URL:
    # A socket's consumer waits for messages with a blocking read of 5 s (channels_redis); redis-py's
    # default socket timeout is also 5 s, which timed that read out and closed idle dashboards.
    # 10 s: the read fits, and a Redis that hangs still ends the sockets (dashboards say "offline").
    # A Redis that is down is noticed at once: the connect is refused, or times out after 2 s.
    # redis-py 8 also caps a pool at 100 connections; a hundred dashboards need more.
    REDIS_HOST = {
        "address": REDIS_URL,
        "socket_timeout": 10,
        "socket_connect_timeout": 2,
        "health_check_interval": 30,
        "max_connections": 2000,
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_HOST], "prefix": CHANNEL_LAYER_PREFIX, "capacity": 1000, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache holds only rate-limit counters: in Redis they are shared by all processes. Short
# timeouts: when Redis is down the limits are skipped (config.ratelimit), requests go on.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CHANNEL_LAYER_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rate limits, "requests/seconds" (config.ratelimit). Off in the test suite, but for its own tests.
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=not TESTING)
RATE_LIMITS = {
    # POSTs of the registration form or API per client IP (a council's office shares one IP).
    "registration": os.environ.get("RATE_LIMIT_REGISTRATION", "30/300"),
    # POSTs of the network signup form or API per client IP (the kiosk logs in as staff: no limit).
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "30/300"),
    # Unknown manage links, badges, calendar feeds, connect and pairing codes per client IP.
    "secret_misses": os.environ.get("RATE_LIMIT_SECRET_MISSES", "20/600"),
    # Requests with one manage token, connect secret or pairing code.
    "secret_use": os.environ.get("RATE_LIMIT_SECRET_USE", "120/60"),
    # Requests with one scanner token: a door scans about one badge a second at its busiest.
    "scanner": os.environ.get("RATE_LIMIT_SCANNER", "1200/60"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/admin/login/"
SESSION_ENGINE = "config.sessions"

# Dutch, whatever the browser asks for (no LocaleMiddleware): the audience is Dutch local government.
# The UI is written with gettext, so an English version is a catalogue and a middleware away.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production serves collectstatic's hashed, compressed files (long cache). Development and tests
# serve the apps' files as they are, so a stale staticfiles/ never shadows a changed script.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not (DEBUG or TESTING))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "config.storage.StaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from the apps when collectstatic has not run (tests, first start).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail: console in development unless configured; SMTP settings from the environment.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Dag van de Lokale Democratie <noreply@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# After the change that queued it commits, a mail is sent by "thread": a sender thread in the same
# process (default); "inline": the request itself (the tests: deterministic); "worker": only
# `manage.py send_outbox --loop`. Whatever fails stays in the outbox for `send_outbox` to retry.
EMAIL_DELIVERY = os.environ.get("EMAIL_DELIVERY", "inline" if TESTING else "thread")
# With "thread", each process's sender also retries due mails this often (seconds; 0: off, then
# run `send_outbox` from cron). Several processes may do so at once: a mail is claimed atomically.
OUTBOX_RETRY_INTERVAL = env_int("OUTBOX_RETRY_INTERVAL", 60)

# Privacy: `manage.py purge_personal_data` erases personal data this many days after an event (its
# default for --after-days); the privacy statement names the same number.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 60)

# Security. Behind a TLS-terminating proxy set SECURE_SSL=1 (HSTS, secure cookies, redirect).
SECURE_SSL = env_bool("SECURE_SSL", default=not (DEBUG or TESTING))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE_SSL and env_bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
# The preload flag only matters once the domain is submitted to hstspreload.org.
SECURE_HSTS_PRELOAD = SECURE_SSL and env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")

# How long a process trusts a scanner token it has checked (a revoked phone stops within this time).
SCANNER_DEVICE_MEMORY_SECONDS = float(os.environ.get("SCANNER_DEVICE_MEMORY_SECONDS", "5"))

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
