"""Staff pages: the scanner and the organisers' dashboard."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from checkin.selectors import dashboard_snapshot
from events.selectors import current_event


@staff_member_required
@ensure_csrf_cookie
def scan(request: HttpRequest) -> HttpResponse:
    return render(request, "checkin/scan.html", {"event": current_event()})


@staff_member_required
@ensure_csrf_cookie
def dashboard(request: HttpRequest) -> HttpResponse:
    event = current_event()
    return render(request, "checkin/dashboard.html", {"event": event, "snapshot": dashboard_snapshot(event)})
