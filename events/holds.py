"""The organisers' view of seats held back for invitation codes: a section of the dashboard (see
events.dashboard) with each open hold's seats, the ones its code's registrants booked and the
ones still held, and a button that releases them to the waiting list (events.services.holds).

No code in the figures: a scanner's token reads the statistics too, and a code opens seats."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from events import selectors, services, times
from events.dashboard import SECTIONS, DashboardSection
from events.models import Event, WorkshopHold
from events.schemas import HeldSeatsOut


def held_seats_figures(event: Event) -> list[dict]:
    holds = (
        WorkshopHold.objects.open()
        .with_left()
        .filter(code__event=event)
        .select_related("workshop__round")
        .order_by("workshop__round__starts_at", "workshop__title", "pk")
    )
    return [
        {
            "id": hold.pk,
            "code_id": hold.code_id,
            "workshop_id": hold.workshop_id,
            "workshop": hold.workshop.title,
            "round": hold.workshop.round.label,
            "seats": hold.seats,
            "booked": hold.seats - hold.left,
            "held": hold.left,
            "release_at": times.iso(hold.release_at),
        }
        for hold in holds
    ]


SECTIONS.register(
    DashboardSection(
        key="held_seats",
        schema=list[HeldSeatsOut],
        figures=held_seats_figures,
        template="events/_dashboard_held_seats.html",
    )
)


@require_POST
@staff_member_required
def release(request: HttpRequest, hold_id: int) -> HttpResponse:
    """The dashboard's button: back to the page it was pressed on."""
    hold = get_object_or_404(WorkshopHold, pk=hold_id, code__event=selectors.current_event())
    services.release_hold(hold)
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(back if safe else "/")
