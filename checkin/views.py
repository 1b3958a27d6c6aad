"""Staff pages: the organisers' dashboard (the scanner is in checkin.scanner_views)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from checkin.selectors import dashboard_snapshot
from events.selectors import current_event


@staff_member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    event = current_event()
    return render(request, "checkin/dashboard.html", {"event": event, "snapshot": dashboard_snapshot(event)})
