"""The organisers' page for a message to a group: choose, preview (number and a sample), test, send."""

import uuid

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from events import selectors
from events.errors import InvalidInput, ServiceError
from events.messaging import formatting, scheduling, services
from events.messaging.emails import sample
from events.messaging.forms import GroupMessageForm, ScheduledMailForm
from events.messaging.models import GroupMessage, ScheduledMail


def show_errors(form, error: InvalidInput) -> None:
    """A service's field errors on the form's fields (the rest above the form)."""
    for field, errors in error.errors.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


@never_cache
@staff_member_required
def compose(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    form = GroupMessageForm(request.POST or None, event=event, initial={"submission": uuid.uuid4()})
    context = {
        "event": event,
        "form": form,
        "sent": GroupMessage.objects.filter(event=event)[:10],
        "opted_out": services.opt_outs(event).count(),
    }
    status = 200
    just_sent = request.GET.get("verzonden", "")
    if just_sent.isdigit():
        message = GroupMessage.objects.filter(event=event, pk=just_sent).first()
        if message is not None:
            context["notice"] = ngettext(
                "Sent to %(n)d person.", "Sent to %(n)d people.", message.recipients
            ) % {"n": message.recipients}
    if request.method == "POST":
        status = 422
        if form.is_valid():
            action = request.POST.get("action", "preview")
            audience = form.audience()
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            try:
                outcome = services.compose(
                    event,
                    action=action,
                    subject=subject,
                    body=body,
                    audience=audience,
                    expected=form.cleaned_data["expected"],
                    by=request.user,
                    submission=form.cleaned_data["submission"],
                    practical=form.cleaned_data["practical"],
                )
                if outcome.sent is not None:
                    return redirect(reverse("messaging:detail", args=[outcome.sent.pk]) + "?verzonden=1")
                if outcome.test_sent:
                    context["notice"] = _("A test is on its way to %(address)s.") % {
                        "address": request.user.email
                    }
                elif outcome.test_sent is not None:
                    context["notice"] = _(
                        "No test sent: your account has no e-mail address, or nobody matches."
                    )
                status = 200
                form.data = form.data.copy()
                form.data["expected"] = str(outcome.count)
                if not form.data.get("submission"):
                    form.data["submission"] = str(uuid.uuid4())
                context["count"] = outcome.count
                context["left_out"] = outcome.left_out
                if outcome.first is not None:
                    context["sample"], context["sample_html"] = sample(
                        outcome.first, subject=subject, body=body
                    )
            except InvalidInput as error:
                show_errors(form, error)
    return render(request, "events/messaging/compose.html", context, status=status)


@never_cache
@staff_member_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One message sent: how many are queued, sent and failed, and each recipient's state."""
    event = selectors.current_event()
    message = get_object_or_404(GroupMessage, event=event, pk=pk)
    context = {
        "event": event,
        "delivery": services.delivery(message),
        "body_html": formatting.to_html(message.body),
    }
    if "verzonden" in request.GET:
        context["notice"] = ngettext("Sent to %(n)d person.", "Sent to %(n)d people.", message.recipients) % {
            "n": message.recipients
        }
    resent = request.GET.get("opnieuw", "")
    if resent.isdigit():
        context["notice"] = ngettext(
            "%(n)d failed mail queued again.", "%(n)d failed mails queued again.", int(resent)
        ) % {"n": int(resent)}
    return render(request, "events/messaging/detail.html", context)


@never_cache
@staff_member_required
def opted_out(request: HttpRequest) -> HttpResponse:
    """Who opted out of messages to a group: they get practical messages and the mails about their
    own bookings only."""
    event = selectors.current_event()
    return render(
        request, "events/messaging/opted_out.html", {"event": event, "opt_outs": services.opt_outs(event)}
    )


@require_POST
@staff_member_required
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(GroupMessage, event=selectors.current_event(), pk=pk)
    count = services.resend_failed(message)
    return redirect(reverse("messaging:detail", args=[message.pk]) + f"?opnieuw={count}")


@csrf_exempt  # the one-click POST of a mail program (RFC 8058) carries no CSRF token
@never_cache
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a message to a group: GET asks, POST (the button, or the mail program's
    one-click POST) opts out. It opens nothing else of the registration."""
    registration = services.registration_for_opt_out(token)
    if registration is None:
        raise Http404
    done = False
    if request.method == "POST":
        services.opt_out(registration)
        done = True
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "events/messaging/opt_out.html",
        {"event": registration.event, "token": token, "done": done or services.opted_out(registration)},
    )


@require_POST
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's own page: opt out of messages to a group, or in again."""
    registration = selectors.registration_for_token(token)
    choice = request.POST.get("messages", "")
    if choice == "off":
        services.opt_out(registration)
    elif choice == "on":
        services.opt_in(registration)
    else:
        return HttpResponse(_("Choose whether you want messages."), status=400, content_type="text/plain")
    return redirect(reverse("events:manage", args=[token]) + "?berichten=1#berichten")


# Scheduled mails ---------------------------------------------------------------------------------


def _scheduled_page(
    request: HttpRequest, event, form: ScheduledMailForm, status: int = 200, notice: str = ""
):
    context = {
        "event": event,
        "form": form,
        "listed": scheduling.listing(event),
        "notice": notice or _scheduled_notice(request),
        "preset_days": scheduling.REMINDER_DAYS_BEFORE,
        "preset_time": scheduling.REMINDER_TIME,
    }
    return render(request, "events/messaging/scheduled.html", context, status=status)


def _scheduled_notice(request: HttpRequest) -> str:
    return {
        "gepland": _("The mail is planned."),
        "geannuleerd": _("The mail is cancelled; it will not be sent."),
    }.get(request.GET.get("klaar", ""), "")


@never_cache
@staff_member_required
def scheduled(request: HttpRequest) -> HttpResponse:
    """The scheduled mails with their moment, state and counts; plan one (or the reminder preset)."""
    event = selectors.current_event()
    form = ScheduledMailForm(
        request.POST or None,
        event=event,
        initial={"kind": ScheduledMail.Kind.REMINDER, "time_of_day": "09:00"},
    )
    if request.method != "POST":
        return _scheduled_page(request, event, form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            scheduling.plan(
                event,
                kind=data["kind"],
                days_before=data["days_before"],
                time_of_day=data["time_of_day"],
                send_at=data["send_at"],
                subject=data["subject"],
                body=data["body"],
                audience=form.audience(),
                practical=data["practical"],
                by=request.user,
            )
            return redirect(reverse("messaging:scheduled") + "?klaar=gepland")
        except InvalidInput as error:
            show_errors(form, error)
    return _scheduled_page(request, event, form, status=422)


@require_POST
@staff_member_required
def plan_reminder(request: HttpRequest) -> HttpResponse:
    """The one-click preset: the reminder two days before the day at 09:00."""
    event = selectors.current_event()
    try:
        scheduling.plan_reminder(event, by=request.user)
    except InvalidInput as error:
        form = ScheduledMailForm(event=event, initial={"kind": ScheduledMail.Kind.REMINDER})
        notice = " ".join(message for errors in error.errors.values() for message in errors)
        return _scheduled_page(request, event, form, status=422, notice=notice)
    return redirect(reverse("messaging:scheduled") + "?klaar=gepland")


@require_POST
@staff_member_required
def cancel_scheduled(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.current_event()
    mail = get_object_or_404(ScheduledMail, event=event, pk=pk)
    try:
        scheduling.cancel(mail)
    except ServiceError as error:
        form = ScheduledMailForm(event=event, initial={"kind": ScheduledMail.Kind.REMINDER})
        return _scheduled_page(request, event, form, status=error.status, notice=error.message)
    return redirect(reverse("messaging:scheduled") + "?klaar=geannuleerd")
