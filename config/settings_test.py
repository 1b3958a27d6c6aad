"""The test suite's settings (pytest selects them: DJANGO_SETTINGS_MODULE in pyproject.toml).

`config/settings.py` knows nothing of tests: this module reads it with the environment a test run
wants by default, so every value is derived there exactly as in production. A variable that is set
(CI's PostgreSQL and Redis run, `RATE_LIMITS_ENABLED=1`) still wins. The defaults are put into the
environment only while `config.settings` is read, so that a process the tests start (`manage.py
check --deploy`, daphne) sees the environment as it was.
"""

import os

TEST_DEFAULTS = {
    "SECRET_KEY": "insecure-test-key-never-use-in-production",
    "ALLOWED_HOSTS": "localhost,127.0.0.1,[::1]",
    # Plain HTTP from the test client and the browser tests.
    "SECURE_SSL": "0",
    # The apps' static files as they are: no collectstatic before a test run.
    "STATIC_MANIFEST": "0",
    # Mail is sent by the request that queued it: a test sees it in the outbox at once.
    "EMAIL_DELIVERY": "inline",
    # Messages to a group at once too; tests of the throttle set a rate.
    "GROUP_MAIL_RATE_PER_MINUTE": "0",
    # A check-in is in the next offline list; tests/checkin/test_offline_list_sharing.py sets an age.
    "OFFLINE_LIST_MAX_AGE_SECONDS": "0",
    # Every test client is 127.0.0.1; tests/test_rate_limits.py switches the limits on.
    "RATE_LIMITS_ENABLED": "0",
    # Connections close after each request, so that a test database can be dropped.
    "CONN_MAX_AGE": "0",
    # A VAPID key pair for the tests' push receiver (tests/push_receiver.py): a test pair, public.
    "VAPID_PUBLIC_KEY": "BD0n6yB7qVHV8VuEOWG7TTG4WVGxNEd-qZJT_p0fPHYWDYZFIJEmDICquJ5mo5_Kg9sdwXSW1x7Oy95Xtgfwrkg",
    "VAPID_PRIVATE_KEY": "U9czVr9OWLEaqWhUSobXWbfgl-0vvkVg5my1Sk5GYDk",
    "VAPID_SUBJECT": "mailto:tests@example.org",
    # Channel groups and cache keys of parallel runs on one Redis never meet.
    "CHANNEL_LAYER_PREFIX": f"dldtest{os.getpid()}",
}

_before = {name: os.environ.get(name) for name in TEST_DEFAULTS if not os.environ.get(name)}
os.environ.update({name: TEST_DEFAULTS[name] for name in _before})
try:
    from config.settings import *  # noqa: F403
    from config.settings import BASE_DIR, DATABASES, SQLITE_ENGINE
finally:
    for name, value in _before.items():
        if value is None:
            del os.environ[name]
        else:
            os.environ[name] = value

# Test databases are named per test process so that parallel runs never share one; SQLite's is a
# file, not memory, so that the daphne processes the tests start see the same data.
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test_db_{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

# Users are made in nearly every test: a fast hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
