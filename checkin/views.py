"""Organisers' pages: the dashboard, lists, exports, the badge print sheet and the history of
changes (the scanner and its devices are in checkin.scanner_views).

All of them need an organiser's session (`is_staff`). Scanner devices authenticate with a bearer
token for the API only: a token opens no page here (they are sent to the login page).
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from checkin import exports
from checkin.forms import HistoryFilterForm
from checkin.models import Scan
from checkin.selectors import dashboard_snapshot, search_attendees
from events import audit, badges, services
from events.dashboard import SECTIONS
from events.exports import EXPORTS
from events.models import AuditEntry, Registration, Round, Workshop
from events.selectors import current_event

BADGE_LAYOUTS = {"a4": 8, "a6": 1}  # badges per printed page
BADGE_SORTS = {"surname": exports.person_key, "municipality": exports.municipality_key}
HISTORY_PAGE_SIZE = 50


def _labels() -> dict:
    """The words dashboard.js needs, translated here (json_script: data, not code, for the CSP)."""
    return {
        "statuses": {status.value: str(status.label) for status in Scan.Status},
        "entrance": _("Entrance"),
        "never": _("never"),
        "revoked": _("revoked"),
        "unlimited": "∞",
        "almost_full": _("almost full"),
        "full": _("full"),
        "not_started": _("not started"),
        "no_municipality": _("not from a municipality"),
        "quiet_since": _("quiet for {minutes} min (last {time})"),
        "seen_just_now": _("just now ({time})"),
        "seen_minutes_ago": _("{minutes} min ago ({time})"),
        "chart_axis": _("Arrivals"),
        "chart_empty": _("No arrivals yet."),
        "chart_summary": _(
            "Arrivals per 5 minutes: {total} in total; busiest block {peak_time} with {peak_count}; "
            "last block {last_time} with {last_count}."
        ),
    }


@staff_member_required
@ensure_csrf_cookie
def dashboard(request: HttpRequest) -> HttpResponse:
    event = current_event()
    snapshot = dashboard_snapshot(event)
    size_unknown = any(row["size"] == "unknown" and row["registered"] for row in snapshot["stats"]["by_size"])
    return render(
        request,
        "checkin/dashboard.html",
        {
            "event": event,
            "snapshot": snapshot,
            "sections": list(SECTIONS),
            "labels": _labels(),
            "size_unknown": size_unknown,
        },
    )


@staff_member_required
def lists(request: HttpRequest) -> HttpResponse:
    """Links to every export and door list."""
    event = current_event()
    workshops = (
        Workshop.objects.filter(round__event=event, round__kind=Round.Kind.WORKSHOPS)
        .select_related("round", "room")
        .order_by("round__starts_at", "title")
    )
    kinds = [(export.kind, export.title) for export in EXPORTS]
    return render(request, "checkin/lists.html", {"event": event, "kinds": kinds, "workshops": workshops})


@staff_member_required
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    build = next((export.build for export in EXPORTS if export.kind == kind), None)
    if build is None or fmt not in exports.RENDERERS:
        raise Http404("unknown export")
    event = current_event()
    if kind == "bookings" and request.GET.get("workshop"):
        workshop_id = request.GET["workshop"]
        if not workshop_id.isdigit():
            raise Http404("unknown workshop")
        workshop = get_object_or_404(
            Workshop.objects.select_related("round", "room"), pk=workshop_id, round__event=event
        )
        table = exports.bookings(event, workshop)
    else:
        table = build(event)
    render_table, content_type = exports.RENDERERS[fmt]
    response = HttpResponse(render_table(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{table.filename}.{fmt}"'
    response["Cache-Control"] = "no-store"  # personal data: not for shared caches or the back button
    return response


@staff_member_required
def door_list(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """A printable list for the workshop's door: who booked (alphabetically), then the waiting list."""
    event = current_event()
    workshop = get_object_or_404(
        Workshop.objects.select_related("round", "room"), pk=workshop_id, round__event=event
    )
    lines = exports.door_list_rows(workshop)
    return render(
        request,
        "checkin/door_list.html",
        {
            "event": event,
            "workshop": workshop,
            "booked": [line for line in lines if line["status"] == "booked"],
            "waiting": [line for line in lines if line["status"] == "waitlisted"],
        },
    )


def _pages(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@staff_member_required
def badge_sheet(request: HttpRequest) -> HttpResponse:
    """Every confirmed attendee's badge, to print: A4 with 8 badges (2×4) or A6 with one per page.

    QR codes come from events.badges' per-process cache, so a second print is quick.
    """
    event = current_event()
    layout = request.GET.get("layout", "a4")
    sort = request.GET.get("sort", "surname")
    if layout not in BADGE_LAYOUTS:
        layout = "a4"
    if sort not in BADGE_SORTS:
        sort = "surname"
    registrations = sorted(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).select_related(
            "event", "municipality"
        ),
        key=BADGE_SORTS[sort],
    )
    cards = [
        {"registration": registration, "qr_svg": badges.qr_svg(registration.badge_secret)}
        for registration in registrations
    ]
    return render(
        request,
        "checkin/badge_sheet.html",
        {
            "event": event,
            "pages": _pages(cards, BADGE_LAYOUTS[layout]),
            "count": len(cards),
            "layout": layout,
            "sort": sort,
        },
    )


@staff_member_required
def history(request: HttpRequest) -> HttpResponse:
    """The audit trail of the day: every change by organisers, scanners and attendees, filtered."""
    event = current_event()
    form = HistoryFilterForm(request.GET or None, event=event)
    entries = form.entries(AuditEntry.objects.filter(event=event).select_related("content_type"))
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "checkin/history.html",
        {
            "event": event,
            "form": form,
            "page": page,
            "lines": audit.lines(page),
            "query": query.urlencode(),
        },
        status=422 if form.errors else 200,
    )


def _desk_page(request: HttpRequest, query: str, *, notice: str = "", status: int = 200) -> HttpResponse:
    event = current_event()
    query = query.strip()[:100]
    return render(
        request,
        "checkin/confirmations.html",
        {
            "event": event,
            "query": query,
            "found": search_attendees(event, query) if query else [],
            "sent": request.GET.get("verstuurd", ""),
            "notice": notice,
        },
        status=status,
    )


@staff_member_required
def confirmations(request: HttpRequest) -> HttpResponse:
    """Find someone by name or reference and send their confirmation again
    (badge, private link, calendar) to the address they registered with, which the page never shows."""
    return _desk_page(request, request.GET.get("q", ""))


@staff_member_required
@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("q", "")
    registration = get_object_or_404(
        Registration, event=current_event(), reference=request.POST.get("reference", "")
    )
    if not services.resend_confirmation(registration):
        notice = _("Nothing was sent: this registration is cancelled or erased.")
        return _desk_page(request, query, notice=notice, status=409)
    # Back to the same search (post/redirect/get: reloading the page sends no second mail).
    return redirect(
        f"{reverse('checkin:confirmations')}?{urlencode({'q': query, 'verstuurd': registration.reference})}"
    )
