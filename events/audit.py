"""The audit trail: who changed what, when, and through which door (see events.models.AuditEntry).

Services write the entries, inside their own transaction: `log(obj, "workshop.moved", changes=...)`.
Who acts and through which door is not passed down to them: each boundary says it once, for all it
calls. `AuditMiddleware` does so for every HTTP request (the door from the path, the user from the
session), the scanner's token authentication adds the device (`identify`), and code outside a request
(a management command, the shell) acts through the command line.

Actions are dotted, `<model>.<what happened>`: the admin logs `<model>.created`, `.changed` and
`.deleted`; services log what they do (`workshop.cancelled`, `device.revoked`, …) and the app that
logs an action names it for people with `describe`.
"""

import datetime
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from events.models import AuditEntry, Event

Door = AuditEntry.Door


@dataclass(frozen=True)
class Acting:
    door: str
    # request.user as the middleware found it (lazy): the session is read only if something is logged.
    user: object = None
    # A scanner device (checkin.Device) authenticated by its token.
    device: object = None


# Outside any boundary (a management command, the shell) the command line acts.
COMMAND_LINE = Acting(door=Door.SHELL)
_acting: ContextVar[Acting | None] = ContextVar("audit_acting", default=None)


@contextmanager
def acting(*, door: str, user=None, device=None):
    """Everything logged inside is done by `user` or `device`, through `door`."""
    token = _acting.set(Acting(door=door, user=user, device=device))
    try:
        yield
    finally:
        _acting.reset(token)


def identify(*, device) -> None:
    """A scanner device proved who it is: the rest of this request (or `acting` block) is its doing."""
    _acting.set(replace(_acting.get() or COMMAND_LINE, device=device))


def identify_token(*, user) -> None:
    """An organiser's API token proved who sends this request: the rest of it is theirs, through
    the token's door (not the API's, which is a browser's session)."""
    _acting.set(Acting(door=Door.API_TOKEN, user=user))


# Where a request comes in, by the start of its path (config.urls and the apps' urls.py). The scanner
# works through the API's check-in operations, so those are the scanner's door, not the API's.
DOORS = (
    ("/admin/", Door.ADMIN),
    ("/api/v1/checkin/", Door.SCANNER),
    ("/api/", Door.API),
    ("/dashboard/", Door.DASHBOARD),
    ("/scan/", Door.SCANNER),
    ("/r/", Door.ATTENDEE),
)


def door_of(path: str) -> str:
    return next((door for prefix, door in DOORS if path.startswith(prefix)), Door.SITE)


class AuditMiddleware:
    """Every change a request makes is logged with its door and the logged-in user (after
    AuthenticationMiddleware). A scanner's bearer token is only read by the API's authentication,
    which adds the device (`identify`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting(door=door_of(request.path_info), user=getattr(request, "user", None)):
            return self.get_response(request)


def _event_id(obj: models.Model, event) -> int:
    if event is not None:
        return getattr(event, "pk", event)
    if isinstance(obj, Event):
        return obj.pk
    return obj.event_id


def log(
    obj: models.Model,
    action: str,
    *,
    event: Event | int | None = None,
    changes: dict | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """Record `action` on `obj` by whoever acts now. Call it inside the change's transaction.

    `changes` is {field: [before, after]} in JSON values (see `values`); `data` what else explains
    the change (counts, not names). `event` is needed for objects without an `event` of their own.
    """
    now = _acting.get() or COMMAND_LINE
    device = now.device
    user = now.user if device is None and now.user is not None and now.user.is_authenticated else None
    actor = str(device) if device is not None else user.get_username() if user else ""
    return AuditEntry.objects.create(
        event_id=_event_id(obj, event),
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        door=now.door,
        user_id=user.pk if user else None,
        device_id=device.pk if device is not None else None,
        actor=actor[:150],
        changes=changes or {},
        data=data or {},
    )


def json_value(value):
    """A field's value as the trail stores it: related objects by their name, times in UTC."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value


def values(obj: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of `obj` as the trail stores them; many-to-many as a sorted list of names."""
    found = {}
    for name in fields:
        model_field = obj._meta.get_field(name)
        if model_field.many_to_many:
            found[name] = sorted(str(related) for related in getattr(obj, name).all())
        elif model_field.is_relation:
            found[name] = json_value(getattr(obj, name))
        else:
            found[name] = json_value(model_field.value_from_object(obj))
    return found


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def changes(before: dict, after: dict, *, leave_out: Iterable[str] = ()) -> dict:
    """{field: [before, after]} of what differs (a field missing on one side is None there; empty
    is empty, whether None, "" or [])."""
    left_out = set(leave_out)
    return {
        name: [before.get(name), after.get(name)]
        for name in [*before, *(name for name in after if name not in before)]
        if name not in left_out
        and before.get(name) != after.get(name)
        and not (_empty(before.get(name)) and _empty(after.get(name)))
    }


# Showing entries to people.

ACTIONS: dict[str, Promise] = {}
# Generic actions of the admin, named after the object's kind ("Workshop changed").
VERBS = {"created": _("added"), "changed": _("changed"), "deleted": _("deleted")}
# Keys of `changes` that are no field of the object, and of `data`.
KEYS = {
    "workshops": _("workshops"),
    "promoted": _("seats given from the waiting list"),
    "released": _("places released (booked elsewhere in that round)"),
    "told": _("attendees told"),
    "replaced": _("other registrations with the address cancelled"),
    "scopes": _("scopes"),
    "held": _("workshops with seats held back"),
    "event_types": _("event types"),
}


def describe(actions: dict[str, Promise]) -> None:
    """Names for people of the actions an app logs (the core's are below)."""
    ACTIONS.update(actions)


describe(
    {
        "workshop.moved": _("Workshop moved"),
        "workshop.capacity_changed": _("Workshop capacity changed"),
        "workshop.cancelled": _("Workshop cancelled"),
        "round.rescheduled": _("Round rescheduled"),
        "registration.created": _("Registered"),
        "registration.workshops_changed": _("Workshops changed"),
        "registration.walked_in": _("Seat given at the door"),
        "registration.cancelled": _("Registration cancelled"),
        "registration.erased": _("Personal data erased"),
        "registration.address_verified": _("E-mail address confirmed"),
        "registration.confirmation_resent": _("Confirmation sent again"),
        "registration.link_resent": _("Private link sent again"),
        "registration.corrected": _("Name or role corrected"),
        "registration.seats_released": _("Seats released (address not confirmed)"),
        "api_token.created": _("API token created"),
        "api_token.revoked": _("API token revoked"),
        "webhook.created": _("Webhook registered"),
        "workshop_hold.released": _("Held seats released to the waiting list"),
    }
)


def action_label(action: str, model: type[models.Model] | None) -> str:
    if action in ACTIONS:
        return str(ACTIONS[action])
    verb = action.rpartition(".")[2]
    if verb in VERBS and model is not None:
        return f"{capfirst(model._meta.verbose_name)} {VERBS[verb]}"
    return action


def kind_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(capfirst(model._meta.verbose_name if model else content_type.model))


def _field(model: type[models.Model] | None, name: str):
    """The model's field behind a key of `changes`; `contacts.12` is row 12 of `contacts`."""
    if model is None:
        return None
    try:
        return model._meta.get_field(name.partition(".")[0])
    except FieldDoesNotExist:  # a key that is no field (see KEYS), or no longer one
        return None


def _key_label(model_field, name: str) -> str:
    if model_field is None:
        return str(capfirst(KEYS.get(name, name.replace("_", " "))))
    if model_field.auto_created and model_field.is_relation:  # a reverse relation: its rows
        related = model_field.related_model._meta
        row = name.partition(".")[2]
        return (
            f"{capfirst(related.verbose_name)} {row}" if row else str(capfirst(related.verbose_name_plural))
        )
    return str(capfirst(model_field.verbose_name))


def shown(model_field, value) -> str:
    """A stored value as people read it: choices by their label, times in Amsterdam time."""
    if _empty(value):
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(shown(model_field, item) for item in value)
    if model_field is not None and getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return formats.date_format(timezone.localtime(moment), "j F Y H:i")
    return str(value)


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Line:
    """An entry as the history page and the admin show it."""

    entry: AuditEntry
    action: str
    kind: str
    actor: str
    door: str
    admin_url: str | None
    changes: list[Change] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)


NOBODY = {Door.ATTENDEE: _("the attendee"), Door.SHELL: _("system")}


def actor_label(entry: AuditEntry) -> str:
    return entry.actor or str(NOBODY.get(entry.door, _("anonymous")))


def _admin_url(entry: AuditEntry) -> str | None:
    if entry.action.endswith(".deleted"):
        return None
    content_type = entry.content_type
    try:
        return reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[entry.object_id])
    except NoReverseMatch:
        return None


def lines(entries: Iterable[AuditEntry]) -> list[Line]:
    """Entries (with their content_type selected) ready to show."""
    shown_lines = []
    for entry in entries:
        model = entry.content_type.model_class()
        rows = []
        for name, pair in entry.changes.items():
            model_field = _field(model, name)
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            rows.append(
                Change(_key_label(model_field, name), shown(model_field, before), shown(model_field, after))
            )
        details = [(_key_label(None, name), shown(None, value)) for name, value in entry.data.items()]
        shown_lines.append(
            Line(
                entry=entry,
                action=action_label(entry.action, model),
                kind=kind_label(entry.content_type),
                actor=actor_label(entry),
                door=str(entry.get_door_display()),
                admin_url=_admin_url(entry),
                changes=rows,
                details=details,
            )
        )
    return shown_lines


def history_of(obj_model: type[models.Model], object_id) -> models.QuerySet:
    """The entries of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj_model), object_id=str(object_id)
    ).select_related("content_type")


# The history page's filters.


NOBODY_KEY = "nobody"


def _actor_key(user_id: int | None, device_id: int | None) -> str:
    """`user:<id>`, `device:<id>` or `nobody`: who acted, as the actor filter's value."""
    if device_id is not None:
        return f"device:{device_id}"
    return f"user:{user_id}" if user_id is not None else NOBODY_KEY


def options(event: Event) -> dict[str, list[tuple[str, str]]]:
    """The actions, kinds of object and actors found in the event's trail, to choose from."""
    entries = AuditEntry.objects.filter(event=event).order_by()
    kinds = {
        content_type.pk: content_type
        for content_type in ContentType.objects.filter(
            pk__in=entries.values_list("content_type", flat=True).distinct()
        )
    }
    actions = {}
    for action, content_type_id in entries.values_list("action", "content_type").distinct():
        content_type = kinds.get(content_type_id)
        actions[action] = action_label(action, content_type.model_class() if content_type else None)
    actors = {NOBODY_KEY: str(_("nobody (the attendee, a visitor or the system)"))}
    for user_id, device_id, actor in entries.values_list("user", "device_id", "actor").order_by("at", "id"):
        if (key := _actor_key(user_id, device_id)) != NOBODY_KEY:
            actors[key] = actor  # the latest name wins
    return {
        "action": sorted(actions.items(), key=lambda item: item[1]),
        "kind": sorted(((str(pk), kind_label(ct)) for pk, ct in kinds.items()), key=lambda item: item[1]),
        "actor": sorted(actors.items(), key=lambda item: (item[0] != NOBODY_KEY, item[1].lower())),
    }


def filtered(
    entries: models.QuerySet,
    *,
    action: str = "",
    kind: str = "",
    door: str = "",
    actor: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> models.QuerySet:
    """Entries narrowed by the history page's filters; days are days in Amsterdam."""
    if action:
        entries = entries.filter(action=action)
    if kind:
        entries = entries.filter(content_type_id=kind)
    if door:
        entries = entries.filter(door=door)
    if actor == NOBODY_KEY:
        entries = entries.filter(actor="")
    elif actor:
        who, _sep, pk = actor.partition(":")
        entries = entries.filter(
            **({"device_id": pk} if who == "device" else {"user_id": pk, "device_id": None})
        )
    if since:
        entries = entries.filter(at__gte=_start_of(since))
    if until:
        entries = entries.filter(at__lt=_start_of(until + datetime.timedelta(days=1)))
    return entries


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
