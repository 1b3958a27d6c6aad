"""Pages of 1:1 meetings, off the attendee's private link: "My meetings" and asking someone from the
directory. They parse, call a service and render; every change is a POST."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events.models import Registration, max_length
from events.selectors import registration_for_token
from events.times import clock
from networking.errors import MeetingError
from networking.meetings import selectors, services
from networking.models import Intake, Meeting

# Seconds before a meeting's start from which its page shows the reminder.
REMINDER_SECONDS = 10 * 60


class MeetingForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    message = forms.CharField(max_length=max_length(Meeting, "message"), required=False, strip=True)


class IntakeForm(forms.Form):
    adviser = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    slot = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class CancelForm(forms.Form):
    message = forms.CharField(max_length=max_length(Meeting, "cancel_message"), required=False, strip=True)


def _meetings_url(token: str, flag: str) -> str:
    return reverse("networking:meetings", args=[token]) + f"?klaar={flag}"


def _reminders(registration: Registration, accepted: list[Meeting], intakes: list[Intake]) -> list[dict]:
    """What the page's timer shows 10 minutes before each agreed meeting and booked intake
    (networking/meetings.js). The start goes with its UTC offset, so the browser's own time zone
    does not matter; the time in the text is the edition's (Europe/Amsterdam)."""
    meetings = [
        (
            meeting.slot.starts_at,
            _("In a few minutes: your meeting with %(name)s at %(table)s, at %(time)s.")
            % {
                "name": meeting.other(registration).full_name,
                "table": meeting.table,
                "time": clock(meeting.slot.starts_at),
            },
        )
        for meeting in accepted
    ]
    intake_texts = [
        (
            intake.slot.starts_at,
            _("In a few minutes: your intake with %(name)s, at %(time)s.")
            % {
                "name": intake.municipality.name
                if intake.adviser_id == registration.pk
                else intake.adviser.full_name,
                "time": clock(intake.slot.starts_at),
            },
        )
        for intake in intakes
    ]
    return [
        {"starts_at": starts_at.isoformat(), "text": text}
        for starts_at, text in sorted(meetings + intake_texts, key=lambda pair: pair[0])
    ]


def _page(request: HttpRequest, token: str, registration: Registration, *, status: int = 200, **extra):
    if not registration.is_confirmed:
        raise Http404("cancelled")
    mine = selectors.meetings_of(registration)
    error = extra.get("error")
    # The adviser's other free times, when the one chosen for an intake was taken meanwhile.
    intake_alternatives = error.alternatives if error is not None and error.code == "intake_taken" else []
    for meeting in mine.incoming:
        meeting.alternatives = selectors.free_slots(registration, meeting.requester, exclude=meeting.slot_id)
    return render(
        request,
        "networking/meetings.html",
        {
            "event": registration.event,
            "registration": registration,
            "token": token,
            "meetings": mine,
            "reminders": _reminders(registration, mine.accepted, selectors.intakes_of(registration)),
            "intake": selectors.intake_panel(registration.event_id, registration.municipality, registration),
            "intakes_given": selectors.intakes_given(registration)
            if selectors.is_adviser(registration)
            else None,
            "reminder_seconds": REMINDER_SECONDS,
            "intake_alternatives": intake_alternatives,
            "flag": request.GET.get("klaar", ""),
            **extra,
        },
        status=status,
    )


@never_cache
def meetings(request: HttpRequest, token: str) -> HttpResponse:
    return _page(request, token, registration_for_token(token))


def _person(viewer: Registration, registration_id: int) -> Registration:
    person = selectors.listed_person(viewer, registration_id)
    if person is None:
        raise Http404("unknown_person")
    return person


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_meeting(request: HttpRequest, token: str, registration_id: int) -> HttpResponse:
    """The other person's directory entry → "Ask for a meeting": the slots free for both."""
    viewer = registration_for_token(token)
    if not viewer.is_confirmed:
        raise Http404("cancelled")
    person = _person(viewer, registration_id)
    form = MeetingForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.request_meeting(
                requester=viewer,
                invitee_id=person.pk,
                slot_id=form.cleaned_data["slot"],
                message=form.cleaned_data["message"],
            )
        except MeetingError as failure:
            error = failure
        else:
            return redirect(_meetings_url(token, "gevraagd"))
    return render(
        request,
        "networking/meeting_request.html",
        {
            "event": viewer.event,
            "token": token,
            "person": person,
            "listed": selectors.is_listed(viewer),
            "slots": selectors.free_slots(viewer, person),
            "form": form,
            "error": error,
        },
        status=error.status if error else 422 if form.is_bound and form.errors else 200,
    )


def change_or_refusal(change, refusal_page, done_url: str) -> HttpResponse:
    """Run one change of a meeting or intake: done, to `done_url`; an unknown one (or a page that is
    not theirs), 404; another refusal, `refusal_page(error)`: the page again with its message."""
    try:
        change()
    except MeetingError as error:
        if error.status == 404:
            raise Http404(error.code) from error
        return refusal_page(error)
    return redirect(done_url)


def _answer(request: HttpRequest, token: str, change, flag: str, **values) -> HttpResponse:
    """A change on one of the attendee's meetings; a refusal shows their page again (for `no_table`
    with the other slots free for both)."""
    registration = registration_for_token(token)
    return change_or_refusal(
        lambda: change(registration=registration, **values),
        lambda error: _page(request, token, registration, status=error.status, error=error),
        _meetings_url(token, flag),
    )


@require_POST
def accept_meeting(request: HttpRequest, token: str, meeting_id: int) -> HttpResponse:
    return _answer(request, token, services.accept_meeting, "geaccepteerd", meeting_id=meeting_id)


@require_POST
def decline_meeting(request: HttpRequest, token: str, meeting_id: int) -> HttpResponse:
    return _answer(request, token, services.decline_meeting, "afgewezen", meeting_id=meeting_id)


@require_POST
def propose_slot(request: HttpRequest, token: str, meeting_id: int) -> HttpResponse:
    form = MeetingForm(request.POST)
    if not form.is_valid():
        registration = registration_for_token(token)
        return _page(
            request, token, registration, status=422, error=MeetingError("invalid", _("Choose a time."))
        )
    return _answer(
        request,
        token,
        services.propose_other_slot,
        "voorgesteld",
        meeting_id=meeting_id,
        slot_id=form.cleaned_data["slot"],
        message=form.cleaned_data["message"],
    )


@require_POST
def cancel_meeting(request: HttpRequest, token: str, meeting_id: int) -> HttpResponse:
    form = CancelForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return _answer(
        request, token, services.cancel_meeting, "geannuleerd", meeting_id=meeting_id, message=message
    )


def invalid_intake_form() -> MeetingError:
    return MeetingError("invalid", _("Choose an adviser and a time."), status=422)


@require_POST
def book_intake(request: HttpRequest, token: str) -> HttpResponse:
    """An attendee books an intake with an adviser for their municipality."""
    registration = registration_for_token(token)
    form = IntakeForm(request.POST)
    if not form.is_valid():
        return _page(request, token, registration, status=422, error=invalid_intake_form())
    municipality = registration.municipality
    return _answer(
        request,
        token,
        lambda registration, **values: services.book_intake(
            municipality=municipality, registration=registration, **values
        ),
        "intake",
        adviser_id=form.cleaned_data["adviser"],
        slot_id=form.cleaned_data["slot"],
    )


@require_POST
def cancel_intake(request: HttpRequest, token: str, intake_id: int) -> HttpResponse:
    """The adviser, or an attendee of the municipality, calls the intake off."""
    return _answer(
        request,
        token,
        lambda registration, **values: services.cancel_intake(
            registration=registration, municipality=registration.municipality, **values
        ),
        "geannuleerd",
        intake_id=intake_id,
    )
