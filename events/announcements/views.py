"""The organisers' page of announcements: post one, see the active ones, withdraw."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events import selectors
from events.announcements import services
from events.announcements.forms import AnnouncementForm
from events.announcements.models import Announcement
from events.errors import InvalidInput


@never_cache
@staff_member_required
def overview(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    form = AnnouncementForm(request.POST or None, event=event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.post_announcement(
                    event,
                    text=form.cleaned_data["text"],
                    workshop=form.cleaned_data["workshop"],
                    expires_at=timezone.now() + form.duration,
                    by=request.user,
                )
            except InvalidInput as error:
                for field, messages in error.errors.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect("announcements:overview")
        status = 422
    recent = Announcement.objects.filter(event=event).select_related("workshop", "created_by")[:20]
    return render(
        request,
        "events/announcements/overview.html",
        {"event": event, "form": form, "recent": recent, "now": timezone.now()},
        status=status,
    )


@require_POST
@staff_member_required
def withdraw(request: HttpRequest, announcement_id: int) -> HttpResponse:
    services.withdraw_announcement(selectors.current_event(), announcement_id)
    return redirect("announcements:overview")
