"""Staff API: redeem and undo at the doors, the offline list, statistics."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from checkin import selectors, services
from checkin.auth import scanner_auth, scanner_of
from checkin.schemas import RedeemIn, ScanOut, StatsOut, UndoIn, scan_out
from events.errors import InvalidInput
from events.models import Event, Workshop
from events.schemas import error_responses

router = Router(tags=["check-in"], auth=scanner_auth)


def _workshop(event: Event, workshop_id: int | None) -> Workshop | None:
    if workshop_id is None:
        return None
    workshop = Workshop.objects.filter(pk=workshop_id, round__event=event).first()
    if workshop is None:
        raise InvalidInput({"workshop": [_("Unknown workshop.")]})
    return workshop


@router.post(
    "checkin/redeem",
    response={200: ScanOut, **error_responses(400, 401, 404, 409, 422)},
    summary="Check a badge in",
)
def redeem(request: HttpRequest, payload: RedeemIn):
    event, device, user = scanner_of(request)
    scan = services.redeem(
        event=event,
        secret=payload.secret,
        device=device,
        user=user,
        workshop=_workshop(event, payload.workshop),
        nonce=payload.nonce,
        scanned_at=payload.scanned_at,
    )
    return scan_out(scan)


@router.post(
    "checkin/undo", response={200: ScanOut, **error_responses(400, 401, 404, 422)}, summary="Undo a check-in"
)
def undo(request: HttpRequest, payload: UndoIn):
    event, device, user = scanner_of(request)
    scan = services.undo(
        event=event,
        secret=payload.secret,
        device=device,
        user=user,
        workshop=_workshop(event, payload.workshop),
    )
    return scan_out(scan)


class OfflinePersonOut(Schema):
    hash: str
    name: str
    role_label: str
    municipality: str
    status: str
    workshops: list[int]
    checked_in: bool
    workshops_checked_in: list[int]


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
