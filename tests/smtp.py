"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it is sent, for tests that
check mail on the wire rather than Django's locmem outbox, and for bench.messages. The `smtp_server`
fixture (tests/conftest.py) starts one and points Django's SMTP backend at it."""

import email
import logging
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# aiosmtpd logs every command at INFO: a test's output would be the SMTP dialogue.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Arrival:
    """One message as the server received it: the envelope and the raw bytes of DATA."""

    sender: str
    recipients: list[str]
    raw: bytes

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=default)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """`with SmtpServer() as server:` … `server.arrivals`, `server.wait_for(n)`."""

    def __init__(self):
        self.arrivals: list[Arrival] = []
        self._arrived = threading.Condition()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        arrival = Arrival(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        with self._arrived:
            self.arrivals.append(arrival)
            self._arrived.notify_all()
        return "250 OK"

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> "SmtpServer":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def wait_for(self, count: int, timeout: float = 10) -> list[Arrival]:
        """The first `count` arrivals, waiting up to `timeout` seconds for them (fewer if they do not come)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.arrivals) >= count, timeout=timeout)
            return self.arrivals[:count]

    def messages(self) -> list[EmailMessage]:
        return [arrival.message() for arrival in self.arrivals]

    def clear(self) -> None:
        with self._arrived:
            self.arrivals.clear()

    def django_settings(self) -> dict:
        """The settings that send Django's mail here."""
        return {
            "EMAIL_BACKEND": SMTP_BACKEND,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
        }
