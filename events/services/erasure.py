"""Erasure and retention (AVG art. 17 and 5(1)(e))."""

import json
from collections import Counter
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from events import audit, badges
from events.models import (
    AuditEntry,
    Delegation,
    DelegationInvitation,
    Event,
    OutboundEmail,
    Registration,
    secret_hash,
)
from events.services.registration import cancel_registration, new_manage_token, unique_reference
from events.services.seats import lock_registration
from events.signals import event_purged, registration_erased

# What an erased registration is called wherever it still shows up (counts, the scan log).
ERASED_NAME = "Gewist"


def erased_email(pk: int) -> str:
    """A unique placeholder that is not an address (.invalid never resolves, RFC 2606)."""
    return f"erased-{pk}@invalid"


def erase_registration(registration: Registration) -> Counter:
    """Erase what is held about one attendee; what remains is an anonymous row for the statistics.

    Up to and on the day of the event a confirmed registration is cancelled first, so that its seats
    go to the waitlists at once; after the event it keeps its status, so attendance figures stay as
    they were. The row keeps its role, status and times (counts by role, check-ins per workshop).
    Everything else is replaced: name, e-mail address, municipality and organisation (role and
    municipality together can point to one person, such as the mayor), needs, the reference, and
    the secrets, so the private link, the badge, the calendar feed and the badge image stop working.
    Outbox rows for this registration are deleted (addresses and secrets in their context), and
    the admin log and the audit trail forget the person (see scrub_history). Checkin and networking
    remove their own data (scans, the directory profile, contacts) through
    events.signals.registration_erased, in this same transaction.

    Returns what was removed, by kind; an empty Counter when the registration was erased before.
    """
    with transaction.atomic():
        registration = lock_registration(registration, allow_cancelled=True)
        if registration.erased_at is not None:
            return Counter()
        if registration.is_confirmed and registration.event.date >= timezone.localdate():
            # No cancellation e-mail: it is deleted with the rest of the outbox rows below.
            registration = cancel_registration(registration)
        email, full_name, reference = registration.email, registration.full_name, registration.reference
        removed = Counter(registrations=1)
        for _receiver, counts in registration_erased.send(
            sender=Registration, registration=registration, email=email
        ):
            removed.update(counts or {})
        removed["emails"] += OutboundEmail.objects.filter(registration=registration).delete()[0]
        # An invitation ties the person to a delegation by the name the coordinator typed.
        if invited := DelegationInvitation.objects.filter(registration=registration).delete()[0]:
            removed["delegation_invitations"] += invited
        badge_secret, manage_token = badges.new_secret(), new_manage_token()
        changes = {
            "first_name": ERASED_NAME,
            "last_name": "",
            "email": erased_email(registration.pk),
            "municipality": None,
            "organisation": "",
            "needs": "",
            "reference": unique_reference(),
            "badge_secret": badge_secret,
            "badge_hash": secret_hash(badge_secret),
            "manage_token": manage_token,
            "manage_token_hash": secret_hash(manage_token),
            "calendar_token": "",
            "calendar_token_hash": "",
            "badge_token": "",
            "badge_token_hash": "",
            "manage_token_opens_feeds": False,
            "erased_at": timezone.now(),
        }
        for field, value in changes.items():
            setattr(registration, field, value)
        registration.save(update_fields=[*changes, "updated_at"])
        scrub_history(
            Registration,
            [registration.pk],
            {full_name: ERASED_NAME, reference: registration.reference, email: registration.email},
            erased_fields=changes,
            object_repr=str(registration),
        )
        audit.log(registration, "registration.erased")
    return removed


def _replaced(value, replacements: dict[str, str]):
    """`value` (JSON: text, lists, objects) with every text in `replacements` replaced."""
    if isinstance(value, str):
        for old, new in replacements.items():
            if old:
                value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replaced(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item, replacements) for key, item in value.items()}
    return value


def _erased(value):
    return value if value in (None, "", [], False) else ERASED_NAME


def scrub_history(
    model: type[models.Model],
    object_ids: Iterable,
    replacements: dict[str, str],
    *,
    erased_fields: Iterable[str] = (),
    object_repr: str | None = None,
) -> int:
    """Forget a person in both histories of these objects: the admin's log and the audit trail.

    They keep each object's name as it was then, and the names of inline rows added or changed
    with it: every text in `replacements` (names, addresses) is replaced. In the audit trail the
    values of `erased_fields`, before and after, become ERASED_NAME (whatever they were, earlier
    spellings too), and `object_repr`, when given, is the name every entry shows."""
    ids = [str(pk) for pk in object_ids]
    content_type = ContentType.objects.get_for_model(model)
    # Change messages are JSON, where non-ASCII letters appear escaped.
    escaped = {json.dumps(old)[1:-1]: json.dumps(new)[1:-1] for old, new in replacements.items() if old}
    changed = 0
    for entry in LogEntry.objects.filter(content_type=content_type, object_id__in=ids):
        object_repr_now = _replaced(entry.object_repr, replacements)
        change_message = _replaced(_replaced(entry.change_message, replacements), escaped)
        if (object_repr_now, change_message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=object_repr_now, change_message=change_message
            )
            changed += 1
    erased = set(erased_fields)
    for entry in AuditEntry.objects.filter(content_type=content_type, object_id__in=ids):
        changes = {
            name: [_erased(value) for value in pair] if name in erased else _replaced(pair, replacements)
            for name, pair in entry.changes.items()
        }
        scrubbed = {
            "object_repr": object_repr or _replaced(entry.object_repr, replacements),
            "changes": changes,
            "data": _replaced(entry.data, replacements),
        }
        if any(getattr(entry, name) != value for name, value in scrubbed.items()):
            AuditEntry.objects.filter(pk=entry.pk).update(**scrubbed)
            changed += 1
    return changed


def purge_event(event: Event) -> Counter:
    """Retention: erase every registration of an event that is over, then let the other apps remove
    the event's personal data that belongs to no registration (municipality signup contacts).
    Each registration is erased in its own transaction, so an interrupted purge simply continues
    where it stopped when it runs again; erased rows are skipped."""
    if event.date >= timezone.localdate():
        raise ValueError(f"{event.slug} has not taken place yet: its registrations are still needed")
    removed = Counter()
    for registration in Registration.objects.filter(event=event, erased_at__isnull=True).select_related(
        "event"
    ):
        removed.update(erase_registration(registration))
    with transaction.atomic():
        # The coordinators' names and addresses: their members are erased above.
        deleted, _by_model = Delegation.objects.filter(event=event).delete()
        if deleted:
            removed["delegations"] += deleted
        for _receiver, counts in event_purged.send(sender=Event, event=event):
            removed.update(counts or {})
    return removed
