"""The organisers' page for a message to a group: choose, preview (number and a sample), test, send."""

import uuid

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from events import selectors
from events.errors import InvalidInput
from events.messaging import services
from events.messaging.emails import sample_text
from events.messaging.forms import GroupMessageForm
from events.messaging.models import GroupMessage


@never_cache
@staff_member_required
def compose(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    form = GroupMessageForm(request.POST or None, event=event, initial={"submission": uuid.uuid4()})
    context = {"event": event, "form": form, "sent": GroupMessage.objects.filter(event=event)[:10]}
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
                )
                if outcome.sent is not None:
                    return redirect(reverse("messaging:compose") + f"?verzonden={outcome.sent.pk}")
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
                context["sample"] = (
                    sample_text(outcome.first, subject=subject, body=body)
                    if outcome.first is not None
                    else ""
                )
            except InvalidInput as error:
                for field, errors in error.errors.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
    return render(request, "events/messaging/compose.html", context, status=status)
