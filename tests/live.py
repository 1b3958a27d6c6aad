"""Real daphne processes serving the test database, for browser and multi-process tests; and a
private redis-server that a test may crash, freeze and restart."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench.servers import free_port, wait_until_serving
from tests.clock import server_command

ROOT = Path(__file__).resolve().parent.parent


def current_database_url() -> str:
    """The URL of the database the tests run on (after pytest-django has created it)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_environment(
    mail_dir: Path | None = None, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": current_database_url(),
        "CHANNEL_LAYER_PREFIX": settings.CHANNEL_LAYER_PREFIX,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "SECURE_SSL": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "EMAIL_DELIVERY": "inline",
        "STATIC_MANIFEST": "0",
        # The tests revoke devices from their own process: the server must see it at once.
        "SCANNER_DEVICE_MEMORY_SECONDS": "0",
        # ... and a check-in in the next offline list.
        "OFFLINE_LIST_MAX_AGE_SECONDS": "0",
        # Every test client is 127.0.0.1; tests/test_rate_limits.py proves the limits.
        "RATE_LIMITS_ENABLED": "0",
        # The attendee's page offers notifications (tests/e2e/test_push_notifications.py).
        "VAPID_PUBLIC_KEY": settings.VAPID_PUBLIC_KEY,
        "VAPID_PRIVATE_KEY": settings.VAPID_PRIVATE_KEY,
        "VAPID_SUBJECT": settings.VAPID_SUBJECT,
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    if mail_dir is not None:
        env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        env["EMAIL_FILE_PATH"] = str(mail_dir)
    else:
        env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    env.update(overrides or {})
    return env


@dataclass
class Daphne:
    """A running daphne process; `kill()` is SIGKILL (no cleanup at all), `stop()` a clean stop."""

    process: subprocess.Popen
    url: str
    log: Path

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.unlink(missing_ok=True)


def start_daphne(mail_dir: Path | None = None, env: dict[str, str] | None = None) -> Daphne:
    """Start `daphne config.asgi:application` on a free port and wait until it answers. `env`
    overrides the environment of `server_environment`. The caller stops it."""
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="daphne-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
        process = subprocess.Popen(
            server_command("daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"),
            cwd=ROOT,
            env=server_environment(mail_dir, env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Daphne(process, f"http://127.0.0.1:{port}", log_path)
    try:
        wait_until_serving(server.url, process, log_path, timeout=30.0)
    except BaseException:
        server.stop()
        raise
    return server


@contextmanager
def daphne(mail_dir: Path | None = None, env: dict[str, str] | None = None):
    """A daphne process for the duration of the block; yields its base URL."""
    server = start_daphne(mail_dir, env)
    try:
        yield server.url
    finally:
        server.stop()


REDIS_SERVER = shutil.which("redis-server")


class PrivateRedis:
    """A throwaway redis-server without persistence; `kill()` is a crash, `start()` comes back on
    the same port."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def freeze(self) -> None:
        """Still accepts connections, never answers: like a Redis that hangs or a lost network."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


@contextmanager
def redis_server():
    """A private redis-server on a free port for the duration of the block (skips the test when
    the binary is missing)."""
    if REDIS_SERVER is None:
        pytest.skip("needs the redis-server binary on PATH (apt-get install redis-server)")
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.thaw()
        redis.kill()
