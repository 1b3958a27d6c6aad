"""E-mail backends for fault tests: a mail server that is down."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

FAILING = "tests.mail_backends.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """Like an SMTP server that hangs up: every send raises."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
