"""Staff API: redeem and undo at the doors, pairing devices, the offline list, search, statistics."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints

from checkin import selectors, services
from checkin.auth import scanner_auth, scanner_of
from checkin.models import Device
from checkin.schemas import (
    AttendeeMatchOut,
    DoorIn,
    PairIn,
    PairOut,
    RedeemIn,
    ScannerOut,
    ScanOut,
    StatsOut,
    UndoIn,
    device_out,
    scan_out,
)
from events.errors import InvalidInput
from events.models import Event, Workshop
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
    )
    return scan_out(scan)


@router.post(
    "checkin/undo",
    response={200: ScanOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Undo a check-in",
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


class OfflinePersonOut(Schema):
    hash: str = Field(description="SHA-256 (hex) of the badge secret, upper case, without `DLD1:`.")
    reference: str
    name: str
    role_label: str
    municipality: str
    status: str
    workshops: list[int] = Field(description="Workshops with a seat (not the waitlist).")
    checked_in: bool
    checked_in_at: datetime | None = Field(description="First check-in at the entrance.")
    workshops_checked_in: list[int]
    workshops_checked_in_at: dict[str, datetime] = Field(description="Workshop id → first check-in there.")


class OfflineListOut(Schema):
    generated_at: str
    hash: str
    people: list[OfflinePersonOut]


@router.get(
    "checkin/list",
    response={200: OfflineListOut, **error_responses(401, 404)},
    summary="Offline check-in list",
)
def offline_list(request: HttpRequest):
    """Badge hashes (SHA-256 of the secret) and names, for scanning without the network."""
    event, _device, _user = scanner_of(request)
    return selectors.offline_list(event)


@router.get("stats", response={200: StatsOut, **error_responses(401, 404)}, summary="Live statistics")
def stats(request: HttpRequest):
    event, _device, _user = scanner_of(request)
    return selectors.stats(event)


@router.post(
    "checkin/pair",
    auth=None,
    response={200: PairOut, **error_responses(404, 410, 422)},
    summary="Pair a phone as a scanner device",
)
def pair(request: HttpRequest, payload: PairIn):
    """Exchange the one-time code of a pairing QR for the device's bearer token (once, within
    15 minutes). Unknown code: 404; used, expired or revoked: 410."""
    device, token = services.pair_device(payload.code)
    return {"token": token, "device": device_out(device)}


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
        }
        for workshop in selectors.doors(event)
    ]
    return {
        "event": event.name,
        "device": device_out(device) if device else None,
        "user": user.get_username() if user else None,
        "doors": doors,
    }


@router.get(
    "checkin/scanner", response={200: ScannerOut, **error_responses(401, 404)}, summary="This scanner"
)
def scanner(request: HttpRequest):
    """Who is scanning (a paired device or an organiser) and the doors to choose from."""
    event, device, user = scanner_of(request)
    return _scanner_out(event, device, user)


@router.patch(
    "checkin/scanner",
    response={200: ScannerOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Set this device's door",
)
def set_door(request: HttpRequest, payload: DoorIn):
    """A paired device moves to another door (organisers' own choice stays on their phone)."""
    event, device, user = scanner_of(request)
    if device is None:
        raise InvalidInput({"workshop": [_("Only a paired scanner device keeps its door on the server.")]})
    services.set_door(device, _workshop(event, payload.workshop))
    return _scanner_out(event, device, user)


class SearchQuery(Schema):
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)] = Field(
        description="Part of a name (at least 2 characters), or a reference."
    )


@router.get(
    "checkin/search",
    response={200: list[AttendeeMatchOut], **error_responses(401, 404, 422)},
    summary="Find attendees by name",
)
def search(request: HttpRequest, query: Query[SearchQuery]):
    """For someone without their badge: name, role, municipality and reference (never an e-mail
    address), at most 20. Check them in with `redeem` and the `reference`."""
    event, _device, _user = scanner_of(request)
    return selectors.search_attendees(event, query.q)
