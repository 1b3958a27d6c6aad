"""The organisers' page of webhooks: register an endpoint (its secret shown once), see each one's
state and last delivery, switch on again one that was switched off after failing."""

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events import selectors, webhooks
from events.errors import InvalidInput
from events.models import WebhookDelivery, WebhookEndpoint


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("Address"),
        max_length=WebhookEndpoint._meta.get_field("url").max_length,
        help_text=_("The https address of your system that receives the events."),
        error_messages={"required": _("Give an https address.")},
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(name, name) for name in webhooks.event_types()]


def _endpoints(event) -> list[dict]:
    """Each endpoint with its last delivery: two queries, however many deliveries there are."""
    newest = WebhookDelivery.objects.filter(endpoint=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    endpoints = list(
        WebhookEndpoint.objects.filter(event=event).annotate(last_delivery=Subquery(newest)).order_by("pk")
    )
    last = WebhookDelivery.objects.in_bulk([e.last_delivery for e in endpoints if e.last_delivery])
    return [{"endpoint": endpoint, "last": last.get(endpoint.last_delivery)} for endpoint in endpoints]


@never_cache
@staff_member_required
def overview(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    form = WebhookForm(request.POST or None)
    status, created = 200, None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                endpoint, secret = webhooks.register(
                    event,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    created_by=request.user,
                )
            except InvalidInput as error:
                for field, messages in error.errors.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                # The secret is shown on this answer only: it is not on any later page.
                status, created, form = 200, {"endpoint": endpoint, "secret": secret}, WebhookForm()
    return render(
        request,
        "events/webhooks.html",
        {"event": event, "form": form, "created": created, "endpoints": _endpoints(event)},
        status=status,
    )


@require_POST
@staff_member_required
def switch_on(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    webhooks.enable(webhooks.disabled(selectors.current_event()).filter(pk=endpoint_id))
    return redirect("events:webhooks")
