"""Certificates of attendance: which sessions someone was at, and the code that proves it.

A session counts when the attendee was scanned in at its door; a plenary session also when they
were scanned in at the entrance before it ended (plenaries often have no door scanner). Hours are
the sessions' own times. Available once the day is over (its last session ended)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import ratelimit
from events import attendance, outbox
from events.certificates.models import Certificate
from events.errors import ServiceError
from events.models import OutboundEmail, Registration, Round, Workshop
from events.room.models import random_code
from events.services.seats import lock_registration


class CertificateError(ServiceError):
    pass


@dataclass(frozen=True)
class AttendedSession:
    workshop: Workshop
    starts_at: datetime
    ends_at: datetime

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def day_is_over(registration: Registration, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    last_end = Round.objects.filter(event_id=registration.event_id).aggregate(end=Max("ends_at"))["end"]
    if last_end is None:
        return now.date() > registration.event.date
    return now >= last_end


def attended_sessions(registration: Registration) -> list[AttendedSession]:
    scanned = attendance.workshops_of(registration)
    entrance = attendance.entrance_of(registration)
    workshops = Workshop.objects.select_related("round", "room").filter(
        round__event_id=registration.event_id, status=Workshop.Status.SCHEDULED
    )
    sessions = [
        AttendedSession(workshop, workshop.round.starts_at, workshop.round.ends_at)
        for workshop in workshops
        if workshop.pk in scanned
        or (
            workshop.round.kind == Round.Kind.PLENARY
            and entrance is not None
            and entrance < workshop.round.ends_at
        )
    ]
    return sorted(sessions, key=lambda session: (session.starts_at, session.workshop.title))


def total_minutes(sessions: list[AttendedSession]) -> int:
    return sum(session.minutes for session in sessions)


def is_available(registration: Registration, now: datetime | None = None) -> bool:
    return (
        registration.is_confirmed
        and registration.erased_at is None
        and day_is_over(registration, now)
        and bool(attended_sessions(registration))
    )


def new_code() -> str:
    raw = random_code(12)  # about 59 bits; read from paper and typed in by hand
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def normalised(code: str) -> str:
    raw = "".join(char for char in code.upper() if char.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def issue(registration: Registration) -> Certificate:
    """The attendee's certificate (made once, under the registration's lock); 409 before the day
    is over or without any session attended."""
    with transaction.atomic():
        registration = lock_registration(registration)
        if not is_available(registration):
            raise CertificateError(
                "not_available",
                _("A certificate is available after the day, for the sessions you were checked in to."),
            )
        certificate = Certificate.objects.filter(registration=registration).first()
        if certificate is None:
            certificate = Certificate.objects.create(registration=registration, code=new_code())
        return certificate


def mail(registration: Registration) -> OutboundEmail:
    """Queue the certificate to the attendee's address (RATE_LIMITS["certificate_mail"]: 3 an hour)."""
    with transaction.atomic():
        certificate = issue(registration)
        if not ratelimit.allowed("certificate_mail", str(registration.pk)):
            raise CertificateError(
                "too_many_requests",
                _("The certificate has just been sent; please check your mailbox."),
                status=429,
            )
        return outbox.queue(
            "certificate", to=certificate.registration.email, registration=certificate.registration
        )


def verify(code: str) -> tuple[Registration, list[AttendedSession]] | None:
    """The registration and sessions behind a certificate's code, or None when it is not valid."""
    certificate = (
        Certificate.objects.select_related("registration__event")
        .filter(code=normalised(code))
        .first()
    )
    if certificate is None:
        return None
    registration = certificate.registration
    if not registration.is_confirmed or registration.erased_at is not None:
        return None
    return registration, attended_sessions(registration)
