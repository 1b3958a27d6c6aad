"""Backups of one edition as a JSON document: `manage.py export_event` and `import_event`.

The document holds every row of the edition (and the shared rows it refers to: municipalities,
organiser accounts) in Django's serialization format, primary keys and secrets included, so a
restored database answers the same badges, private links, scanner tokens and connect codes.
It restores into an empty database only: merging two days' data is not a backup's job.

Each app says which of its models belong to an edition in its own `backup.py` (an
events.registry module), registering them in dependency order: the core's here, checkin's and
networking's there, so the core never imports the apps built on it.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from events.errors import ServiceError
from events.models import (
    ApiToken,
    AuditEntry,
    Booking,
    Delegation,
    DelegationInvitation,
    Event,
    InvitationCode,
    Municipality,
    OutboundEmail,
    Registration,
    Room,
    Round,
    Speaker,
    WebhookDelivery,
    WebhookEndpoint,
    Workshop,
    WorkshopHold,
)
from events.registry import Registry
from events.services.registration import give_missing_read_only_tokens

FORMAT = "dld-event-export"
VERSION = 1


class BackupError(ServiceError):
    pass


@dataclass(frozen=True)
class Part:
    model: type[models.Model]
    # The rows of `model` that belong to the backup of an edition.
    rows: Callable[[Event], models.QuerySet]
    # Shared rows (municipalities, accounts) may already be in the database that a backup is
    # restored into; they are updated. Every other model must be empty there.
    shared: bool = False


PARTS: Registry[Part] = Registry("backup")


def part(
    model: type[models.Model], rows: Callable[[Event], models.QuerySet], *, shared: bool = False
) -> None:
    """Register a model's rows for backups (after the models it refers to)."""
    PARTS.register(Part(model, rows, shared), stacklevel=2)


def parts() -> list[Part]:
    return list(PARTS)


# Accounts go by their natural key (the username): a restore into a database where someone already
# ran `createsuperuser` updates that account instead of clashing with it.
part(Group, lambda event: Group.objects.order_by("name"), shared=True)
part(get_user_model(), lambda event: get_user_model().objects.order_by("username"), shared=True)
part(Municipality, lambda event: Municipality.objects.order_by("pk"), shared=True)
# Organisers' API tokens (hashes) belong to their accounts, so a restored system answers their scripts.
part(ApiToken, lambda event: ApiToken.objects.order_by("pk"), shared=True)
part(Event, lambda event: Event.objects.filter(pk=event.pk))
part(Room, lambda event: Room.objects.filter(event=event).order_by("pk"))
part(Round, lambda event: Round.objects.filter(event=event).order_by("pk"))
part(Speaker, lambda event: Speaker.objects.filter(event=event).order_by("pk"))
part(Workshop, lambda event: Workshop.objects.filter(round__event=event).order_by("pk"))
part(InvitationCode, lambda event: InvitationCode.objects.filter(event=event).order_by("pk"))
part(WorkshopHold, lambda event: WorkshopHold.objects.filter(code__event=event).order_by("pk"))
# A delegation names its coordinator's registration, restored next (references are checked at the end).
part(Delegation, lambda event: Delegation.objects.filter(event=event).order_by("pk"))
part(Registration, lambda event: Registration.objects.filter(event=event).order_by("pk"))
part(Booking, lambda event: Booking.objects.filter(registration__event=event).order_by("pk"))
part(
    DelegationInvitation,
    lambda event: DelegationInvitation.objects.filter(delegation__event=event).order_by("pk"),
)
# Mails about a registration of this edition, and those about no registration (e.g. to a
# municipality's contact): one database normally holds one edition at a time.
part(
    OutboundEmail,
    lambda event: (
        OutboundEmail.objects.filter(registration__event=event)
        | OutboundEmail.objects.filter(registration=None)
    ).order_by("pk"),
)
# The audit trail of the edition, whichever app's objects its entries are about (they name them by
# content type and id, and their users by username, so they restore as they were).
part(AuditEntry, lambda event: AuditEntry.objects.filter(event=event).order_by("pk"))
# Webhook endpoints (their signing secrets) and the delivery log, so what was not delivered yet still is.
part(WebhookEndpoint, lambda event: WebhookEndpoint.objects.filter(event=event).order_by("pk"))
part(WebhookDelivery, lambda event: WebhookDelivery.objects.filter(endpoint__event=event).order_by("pk"))

# Live announcements, messages to a group, registration questions, polls and questions in the room, push
# subscriptions (their own modules, as their models).
import events.announcements.backup  # noqa: E402
import events.messaging.backup  # noqa: E402
import events.questions.backup  # noqa: E402
import events.room.backup  # noqa: E402
import events.webpush.backup  # noqa: E402, F401


def export_event(event: Event) -> dict:
    """The edition as a JSON-able document (datetimes and UUIDs as Django's JSON encoder writes them)."""
    objects, counts = [], {}
    for entry in parts():
        rows = serializers.serialize(
            "python", entry.rows(event), use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        counts[entry.model._meta.label_lower] = len(rows)
        objects.extend(rows)
    return {
        "format": FORMAT,
        "version": VERSION,
        "event": event.slug,
        "exported_at": timezone.now(),
        "counts": counts,
        "objects": objects,
    }


def rows_in_the_way() -> dict[str, int]:
    """Edition rows already in this database (by model label), which a restore would mix with."""
    found = {}
    for entry in parts():
        if not entry.shared and (count := entry.model._default_manager.count()):
            found[entry.model._meta.label_lower] = count
    return found


def import_event(document: dict) -> dict[str, int]:
    """Restore an exported edition into an empty database. Returns the number of rows per model."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("not_an_export", "This file is not an export of manage.py export_event.")
    if document.get("version") != VERSION:
        raise BackupError(
            "unknown_version",
            f"This export has version {document.get('version')!r}; this system reads {VERSION}.",
        )
    if found := rows_in_the_way():
        listed = ", ".join(f"{label}: {count}" for label, count in found.items())
        raise BackupError(
            "database_not_empty",
            f"The database is not empty (it holds {listed}). import_event restores into an empty "
            "database only: a new one after `manage.py migrate`, or this one after `manage.py flush`.",
        )
    counts: dict[str, int] = {}
    restored_models = {entry.model for entry in parts()}
    with transaction.atomic():
        # As `loaddata` does: rows go in as they were (raw), references are checked at the end.
        with connection.constraint_checks_disabled():
            deferred = []
            for row in serializers.deserialize("python", document["objects"], handle_forward_references=True):
                if type(row.object) not in restored_models:
                    raise BackupError("unknown_model", f"This export holds rows of {row.object._meta.label}.")
                row.save()
                if row.deferred_fields:
                    deferred.append(row)
                label = row.object._meta.label_lower
                counts[label] = counts.get(label, 0) + 1
            for row in deferred:
                row.save_deferred_fields()
        connection.check_constraints(table_names=[model._meta.db_table for model in restored_models])
        give_missing_read_only_tokens()  # a backup made before registrations had them
        # New rows after the restore must get ids above the restored ones (PostgreSQL sequences).
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(restored_models)):
                cursor.execute(statement)
    return counts


class Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds), so a
    restore keeps the exact order of waiting lists and scans."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def dumps(document: dict) -> str:
    return json.dumps(document, cls=Encoder, ensure_ascii=False, indent=1) + "\n"
