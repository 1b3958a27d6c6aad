"""The one settings module. Everything that differs between machines comes from the environment."""

import os
import re
from datetime import timedelta
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


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (set DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
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
    "axes",  # throttles the admin login (below)
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN (CSP)
    "events",
    "checkin",
    "networking",
    "events.feedback",
    "events.certificates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "events.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.security.SecurityHeadersMiddleware",
    "config.ratelimit.RateLimitMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
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
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
SQLITE_ENGINE = "config.sqlite"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (daphne processes, scanner bursts) on one file: write-ahead log, a busy
    # timeout instead of "database is locked", and BEGIN IMMEDIATE so a transaction that will
    # write takes the write lock up front instead of failing to upgrade a read lock later. The
    # threads of one process queue for that lock in Python (config.sqlite), not in SQLite's sleeps.
    DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Live updates: Redis when REDIS_URL is set (several processes), in-memory otherwise (one process).
REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYER_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "dld")
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
    # Room for a counter per secret in use (locmem's default of 300 would drop counters early).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Rate limits, "requests/seconds" (config.ratelimit).
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    # POSTs of the registration form or API per client address. Sized for a shared address: a
    # town hall registering its whole council, the venue's Wi-Fi. Paired desks are not limited.
    "registration": os.environ.get("RATE_LIMIT_REGISTRATION", "400/900"),
    # POSTs of the network signup form or API per client address (paired kiosks are not limited).
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "120/900"),
    # Unknown manage links, badges, calendar feeds, connect and pairing codes per client (address
    # plus cookie or browser headers): then its misses answer 429, never its valid links.
    "secret_misses": os.environ.get("RATE_LIMIT_SECRET_MISSES", "20/600"),
    # The same per address, for a client that drops its cookies: stops misses only, too.
    "secret_misses_ip": os.environ.get("RATE_LIMIT_SECRET_MISSES_IP", "100/600"),
    # Wrong pairing codes typed by hand (short: about 40 bits) per client (address plus cookie or
    # browser headers); over it, the client may not try again, a right code neither, until the
    # window ends. And per address, larger: stewards pairing phones on the venue's Wi-Fi.
    "pairing_typed": os.environ.get("RATE_LIMIT_PAIRING_TYPED", "10/900"),
    "pairing_typed_ip": os.environ.get("RATE_LIMIT_PAIRING_TYPED_IP", "60/900"),
    # Requests with one manage token, connect secret or pairing code.
    "secret_use": os.environ.get("RATE_LIMIT_SECRET_USE", "120/60"),
    # "Send my link again" mails to one address (quietly: the answer stays the same).
    "resend_address": os.environ.get("RATE_LIMIT_RESEND_ADDRESS", "3/3600"),
    # Certificates of attendance mailed on request, per registration (a 429 after that).
    "certificate_mail": os.environ.get("RATE_LIMIT_CERTIFICATE_MAIL", "3/3600"),
    # Requests with one scanner token: a door scans about one badge a second at its busiest.
    "scanner": os.environ.get("RATE_LIMIT_SCANNER", "1200/60"),
    # Questions one attendee posts to a session (polls and questions in the room).
    "room_questions": os.environ.get("RATE_LIMIT_ROOM_QUESTIONS", "5/300"),
    # References typed at one self check-in tablet: typing takes a person some 20 s, so about 15
    # in 5 minutes at its busiest; a guesser is sent to the desk soon after.
    "self_checkin": os.environ.get("RATE_LIMIT_SELF_CHECKIN", "30/300"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# The admin login, throttled by django-axes: after ADMIN_LOGIN_FAILURES wrong passwords for one
# account, or from one address (counted apart), that account or address waits
# ADMIN_LOGIN_COOLOFF_MINUTES (a 429 saying how long). A login that succeeds starts its count anew;
# `manage.py axes_reset` lifts every lock at once. The address is the one the rate limits use.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("ADMIN_LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "config.ratelimit.admin_login_locked"
# Failed attempts are kept (AccessAttempt, until the cool-off ends); not a log of every login.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner on every manage.py and daphne start.
AXES_VERBOSE = False
SESSION_ENGINE = "config.sessions"

# Dutch unless someone picks English with the switch in the page header (config.language: the
# browser's Accept-Language is not followed). The msgids are English, so English needs no catalogue.
# An attendee's mails and calendar come in the language they registered in.
LANGUAGE_CODE = "nl"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production serves collectstatic's hashed, compressed files (long cache). Development serves
# the apps' files as they are, so a stale staticfiles/ never shadows a changed script.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "config.storage.StaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from the apps when collectstatic has not run (development, first start).
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
# process (default); "inline": the request itself (deterministic); "worker": only
# `manage.py send_outbox --loop`. Whatever fails stays in the outbox for `send_outbox` to retry.
EMAIL_DELIVERY = os.environ.get("EMAIL_DELIVERY", "thread")
# With "thread", each process's sender also retries due mails this often (seconds; 0: off, then
# run `send_outbox` from cron). Several processes may do so at once: a mail is claimed atomically.
OUTBOX_RETRY_INTERVAL = env_int("OUTBOX_RETRY_INTERVAL", 60)
# A sender thread shares its process's CPU with the requests (one core at most: the GIL). Before each
# job it waits until the process serves no request, at most this many seconds (then it goes
# anyway), so a rush of registrations is answered first and its mails follow. 0: never waits.
OUTBOX_SENDER_YIELD_SECONDS = float(os.environ.get("OUTBOX_SENDER_YIELD_SECONDS", "1.0"))
# In a server process, the live seat figures of the workshops that changed go to the open pages at
# most once per this many seconds (the first change after a quiet moment at once): in a rush the same
# workshops change in every request, and each of their events goes to every open programme page,
# from every process. 0: as fast as they can be built.
LIVE_WORKSHOP_INTERVAL = float(os.environ.get("LIVE_WORKSHOP_INTERVAL", "2.0"))
# Messages to a group go out no faster than this many mails a minute, across all processes (the
# mail provider's limit); each mail gets its moment in the outbox. 0: no limit. Mails about one's
# own registration and bookings never wait behind them.
GROUP_MAIL_RATE_PER_MINUTE = env_int("GROUP_MAIL_RATE_PER_MINUTE", 600)
# Webhook endpoints must be https, unless this is set (a receiver on this machine, tests).
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", default=False)
# Web Push to attendees' phones (announcements, a moved workshop): the VAPID key pair, base64url (the
# public key an uncompressed P-256 point, the private key its 32 bytes; `manage.py vapid_keys` makes
# a pair), and who the push services may contact about our pushes (a mailto: or https: URL). Without
# both keys the attendee's page offers no notifications.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "") or SITE_URL
# Push endpoints must be https (browsers' push services are), unless this is set (tests).
WEBPUSH_ALLOW_HTTP = env_bool("WEBPUSH_ALLOW_HTTP", default=False)
# Pushes of one announcement or workshop's news go out this many at a time (threads that only do
# the HTTP; the database work stays in the push sender's thread). 1: one after the other.
WEBPUSH_WORKERS = max(1, env_int("WEBPUSH_WORKERS", 8))

# Hours an unproven registration (its address not confirmed through the mailed link) holds its
# seats before they go to the waiting lists; 0: held without limit.
ADDRESS_PROOF_HOURS = env_int("ADDRESS_PROOF_HOURS", 48)
# Hours a municipality's signup holds its place before its contact proved the address (the link
# mailed to it), unless signed up in person or approved by an organiser; 0: held without limit.
SIGNUP_PROOF_HOURS = env_int("SIGNUP_PROOF_HOURS", 4)

# Feedback on the sessions: given or changed up to this many days after a session ends. The morning
# after the day, from FEEDBACK_REMINDER_HOUR (local time), whoever was scanned in at a door and gave
# none gets one reminder (-1: no reminders).
FEEDBACK_DAYS = env_int("FEEDBACK_DAYS", 7)
FEEDBACK_REMINDER_HOUR = env_int("FEEDBACK_REMINDER_HOUR", 9)

# Privacy statement: who is responsible (the controller: organisation and address) and where to
# ask. `check --deploy` warns while they are empty; the event's contact address stands in for
# PRIVACY_CONTACT_EMAIL.
PRIVACY_CONTROLLER = os.environ.get("PRIVACY_CONTROLLER", "")
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "")

# Privacy: `manage.py purge_personal_data` erases personal data this many days after an event (its
# default for --after-days); the privacy statement names the same number.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 60)

# Security. Behind a TLS-terminating proxy set SECURE_SSL=1 (HSTS, secure cookies, redirect).
SECURE_SSL = env_bool("SECURE_SSL", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE_SSL and env_bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
LANGUAGE_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
# The preload flag only matters once the domain is submitted to hstspreload.org.
SECURE_HSTS_PRELOAD = SECURE_SSL and env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# The sites that may show the programme in a frame (/programma/embed/, events/static/events/embed.js),
# comma-separated origins: EMBED_ALLOWED_ORIGINS=https://vng.nl,https://www.amersfoort.nl. Only that
# page names them in its `frame-ancestors`; every other page refuses every frame.
EMBED_ALLOWED_ORIGINS = [origin.rstrip("/") for origin in env_list("EMBED_ALLOWED_ORIGINS")]
for _origin in EMBED_ALLOWED_ORIGINS:
    if not re.fullmatch(r"https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?", _origin, re.IGNORECASE):
        raise ImproperlyConfigured(
            f"EMBED_ALLOWED_ORIGINS: {_origin!r} is not an origin (scheme and host, e.g. https://www.vng.nl)."
        )
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")
# Where the proxy in front of daphne connects from (besides loopback): a daphne with
# --proxy-headers must listen nowhere else, or anyone can forge X-Forwarded-For (config.proxy).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# How long a process trusts a scanner token it has checked (a revoked phone stops within this time).
SCANNER_DEVICE_MEMORY_SECONDS = float(os.environ.get("SCANNER_DEVICE_MEMORY_SECONDS", "5"))
# The scanners' offline list (GET /api/v1/checkin/list) is built at most once per this many seconds
# in each process and shared: the phones fetch it every minute, in waves when they started together.
OFFLINE_LIST_MAX_AGE_SECONDS = float(os.environ.get("OFFLINE_LIST_MAX_AGE_SECONDS", "10"))
# A room's door checks the next session this many minutes before it starts (checkin.doors).
DOOR_MARGIN_MINUTES = env_int("DOOR_MARGIN_MINUTES", 15)
# How often an open staff socket (dashboard) checks that its device or session is still valid; a
# revocation or logout closes it at once, this catches whatever ended another way.
SOCKET_RECHECK_SECONDS = float(os.environ.get("SOCKET_RECHECK_SECONDS", "60"))

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)

# Paths in log lines lose their secrets and query strings (config.accesslog): on the loggers that
# log paths, and on the handler for whatever else does.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.accesslog.RedactSecrets"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["redact_secrets"]},
        "django.security.csrf": {"filters": ["redact_secrets"]},
        "django.channels.server": {"filters": ["redact_secrets"]},
    },
}
