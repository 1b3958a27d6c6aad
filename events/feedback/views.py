"""The attendee's feedback form (on their page), the organisers' results and the speakers' page."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events import selectors as core_selectors
from events.errors import ServiceError
from events.feedback import selectors, services
from events.feedback.forms import FeedbackForm
from events.models import Speaker, Workshop


@never_cache
@require_POST
def give(request: HttpRequest, token: str, workshop_id: int) -> HttpResponse:
    registration = core_selectors.registration_for_token(token)
    form = FeedbackForm(request.POST, prefix=f"feedback-{workshop_id}")
    status = 422
    if form.is_valid():
        try:
            services.give_feedback(registration, workshop_id, **form.cleaned_data)
        except ServiceError as error:
            if error.status == 404:
                raise Http404(error.code) from error
            form.add_error(None, error.message)
            status = error.status
        else:
            return redirect(reverse("events:manage", args=[token]) + f"?feedback={workshop_id}#feedback")
    workshop = Workshop.objects.filter(pk=workshop_id, round__event_id=registration.event_id).first()
    if workshop is None:
        raise Http404("unknown workshop")
    return render(
        request,
        "events/feedback/form.html",
        {"event": registration.event, "token": token, "workshop": workshop, "form": form},
        status=status,
    )


@staff_member_required
def overview(request: HttpRequest) -> HttpResponse:
    event = core_selectors.current_event()
    return render(
        request, "events/feedback/overview.html", {"event": event, "rows": selectors.overview(event)}
    )


@never_cache
@staff_member_required
def workshop_results(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """One session's results; a POST makes a speaker's private link, shown once."""
    workshop = get_object_or_404(Workshop.objects.select_related("round", "room"), pk=workshop_id)
    new_link = None
    if request.method == "POST":
        speaker_id = request.POST.get("speaker", "")
        if not speaker_id.isdigit():
            return HttpResponse(status=400)
        speaker = get_object_or_404(Speaker, pk=speaker_id)
        try:
            token = services.make_speaker_link(speaker, workshop)
        except ServiceError as error:
            return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
        new_link = (speaker, request.build_absolute_uri(reverse("feedback:speaker", args=[token])))
    return render(
        request,
        "events/feedback/results.html",
        {
            "event": workshop.round.event,
            "results": selectors.results(workshop),
            "speakers": list(workshop.speakers.all()),
            "new_link": new_link,
            "staff": True,
        },
    )


@never_cache
def speaker(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.speaker_link_for_token(token)
    return render(
        request,
        "events/feedback/results.html",
        {"event": link.workshop.round.event, "results": selectors.results(link.workshop), "staff": False},
    )
