"""Staff API: redeem and undo at the doors, pairing devices, the offline list, search, statistics."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from ninja import Query, Router

from checkin import selectors, services
from checkin.auth import scanner_auth, scanner_of, staff_operation
from checkin.doors import door_announcements as door_announcements_of
from checkin.doors import door_of
from checkin.models import Device
from checkin.schemas import (
    AttendeeMatchOut,
    BadgeReissuedOut,
    DoorIn,
    OfflineListOut,
    PairIn,
    PairOut,
    RedeemIn,
    ScannerOut,
    ScanOut,
    SearchQuery,
    UndoIn,
    device_out,
    scan_out,
    stats_out,
)
from events import selectors as event_selectors
from events.announcements.schemas import AnnouncementOut
from events.errors import InvalidInput
from events.links import badge_image_path
from events.models import Event, Room, Workshop
from events.schemas import error_responses

router = Router(tags=["check-in"], auth=scanner_auth)


def _workshop(event: Event, workshop_id: int | None) -> Workshop | None:
    if workshop_id is None:
        return None
    workshop = Workshop.objects.select_related("round").filter(pk=workshop_id, round__event=event).first()
    if workshop is None:
        raise InvalidInput({"workshop": [_("Unknown workshop.")]})
    return workshop


@router.post(
    "checkin/redeem",
    response={200: ScanOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Check a badge in",
    **staff_operation(),
    # The fields added later (walk_in, booked_elsewhere, room_places_left) only where they say something.
    exclude_unset=True,
)
def redeem(request: HttpRequest, payload: RedeemIn):
    event, device, user = scanner_of(request)
    scan = services.redeem(
        event=event,
        secret=payload.secret,
        reference=payload.reference,
        device=device,
        user=user,
        workshop=_workshop(event, payload.workshop),
        nonce=payload.nonce,
        scanned_at=payload.scanned_at,
        admit=payload.admit,
    )
    return scan_out(scan, selectors.door_answer(scan))


@router.post(
    "checkin/undo",
    response={200: ScanOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Undo a check-in",
    **staff_operation(),
)
def undo(request: HttpRequest, payload: UndoIn):
    event, device, user = scanner_of(request)
    scan = services.undo(
        event=event,
        secret=payload.secret,
        reference=payload.reference,
        device=device,
        user=user,
        workshop=_workshop(event, payload.workshop),
    )
    return scan_out(scan)


@router.get(
    "checkin/list",
    response={200: OfflineListOut, **error_responses(401, 404)},
    summary="Offline check-in list",
    **staff_operation(),
)
def offline_list(request: HttpRequest):
    """Badge hashes (SHA-256 of the secret) and names, for scanning without the network. Built at
    most every few seconds (`generated_at` says when) and shared by the phones that ask meanwhile.
    With its `ETag` in `If-None-Match` a phone whose list is still current gets 304 and no body."""
    event, _device, _user = scanner_of(request)
    shared = selectors.shared_offline_list(event)
    response = get_conditional_response(request, etag=shared.etag) or HttpResponse(
        shared.body, content_type="application/json"
    )
    response["ETag"] = shared.etag
    # daphne sends no Date: the phone shows the server's time as its list's time after a 304.
    response["Date"] = http_date()
    # Names of people: no shared cache keeps it, and the phone asks again every time.
    response["Cache-Control"] = "private, no-cache"
    return response


@router.get(
    "stats",
    response={200: stats_out(), **error_responses(401, 404)},
    summary="Live statistics",
    **staff_operation(),
)
def stats(request: HttpRequest):
    event, _device, _user = scanner_of(request)
    return selectors.stats(event)


@router.post(
    "checkin/pair",
    auth=None,
    response={200: PairOut, **error_responses(404, 409, 410, 422)},
    summary="Pair a phone as a scanner device",
)
def pair(request: HttpRequest, payload: PairIn):
    """Exchange the one-time code of a pairing QR for the device's bearer token (once, within
    15 minutes). Unknown code: 404; a kiosk's or desk's code (paired in its browser): 409;
    used, expired or revoked: 410."""
    device, token = services.pair_device(payload.code)
    return {"token": token, "device": device_out(device)}


def _room(event: Event, room_id: int | None) -> Room | None:
    if room_id is None:
        return None
    room = Room.objects.filter(pk=room_id, event=event).first()
    if room is None:
        raise InvalidInput({"room": [_("Unknown room.")]})
    return room


def _door_out(device: Device) -> dict:
    door = door_of(device)
    return {
        "room": door.room.pk if door.room else None,
        "room_name": door.room.name if door.room else None,
        "workshop": door.workshop.pk if door.workshop else None,
        "override": door.override.pk if door.override else None,
        "override_until": door.override_until,
        "next": door.next.pk if door.next else None,
    }


def _scanner_out(event: Event, device: Device | None, user) -> dict:
    doors = [
        {
            "id": workshop.pk,
            "title": workshop.title,
            "room": workshop.room.name,
            "round": workshop.round.label,
            "starts_at": workshop.round.starts_at,
            "ends_at": workshop.round.ends_at,
            "allow_walk_ins": workshop.allow_walk_ins,
            "room_id": workshop.room_id,
            "round_id": workshop.round_id,
        }
        for workshop in selectors.doors(event)
    ]
    plan = selectors.door_plan(event)
    return {
        "event": event.name,
        "device": device_out(device) if device else None,
        "user": user.get_username() if user else None,
        "doors": doors,
        "rooms": plan["rooms"],
        "door": _door_out(device) if device else None,
        "door_margin_minutes": plan["door_margin_minutes"],
    }


@router.get(
    "checkin/scanner",
    response={200: ScannerOut, **error_responses(401, 404)},
    summary="This scanner",
    **staff_operation(),
)
def scanner(request: HttpRequest):
    """Who is scanning (a paired device or an organiser) and the doors to choose from."""
    event, device, user = scanner_of(request)
    return _scanner_out(event, device, user)


@router.patch(
    "checkin/scanner",
    response={200: ScannerOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set this device's door",
    **staff_operation(),
)
def set_door(request: HttpRequest, payload: DoorIn):
    """A paired device moves to another room's door (`room`; none: the entrance), or its steward
    overrides the clock with a workshop until that workshop's round ends (`workshop`; none: follow
    the clock again). Organisers' own choice stays on their phone."""
    event, device, user = scanner_of(request)
    if device is None:
        raise InvalidInput({"workshop": [_("Only a paired scanner device keeps its door on the server.")]})
    given = payload.model_fields_set
    door = {}
    if "room" in given:
        door["room"] = _room(event, payload.room)
    if "workshop" in given:
        door["workshop"] = _workshop(event, payload.workshop)
    services.set_door(device, **door)
    return _scanner_out(event, device, user)


@router.get(
    "checkin/search",
    response={200: list[AttendeeMatchOut], **error_responses(401, 404, 422)},
    summary="Find attendees by name",
    **staff_operation(),
)
def search(request: HttpRequest, query: Query[SearchQuery]):
    """For someone without their badge: name, role, municipality and reference (never an e-mail
    address), at most 20. Check them in with `redeem` and the `reference`."""
    event, _device, _user = scanner_of(request)
    return selectors.search_attendees(event, query.q)


@router.get(
    "checkin/announcements",
    response={200: list[AnnouncementOut], **error_responses(401, 404)},
    summary="Announcements for this scanner",
    **staff_operation(),
)
def door_announcements(request: HttpRequest):
    """The announcements shown now for everyone and, on a paired device, for its door's workshop
    or room (the scanner has no socket: it asks every 15 seconds and keeps them for offline use)."""
    event, device, _user = scanner_of(request)
    return door_announcements_of(event, device)


@router.post(
    "registrations/{manage_token}/reissue-badge",
    auth=None,
    response={200: BadgeReissuedOut, **error_responses(403, 404, 409)},
    summary="Reissue my badge (lost)",
)
def reissue_badge(request: HttpRequest, manage_token: str):
    """A lost badge: a new QR code (and badge image link) from now on. The old badge scans as
    `replaced` at the doors; the page behind the manage link shows the new one. Cancelled: 409."""
    replaced = services.reissue_badge(event_selectors.registration_for_token(manage_token))
    return {
        "reference": replaced.registration.reference,
        "badge_url": request.build_absolute_uri(badge_image_path(replaced.registration)),
        "reissued_at": replaced.replaced_at,
    }
