"""The organisers' planning board page. It renders an empty frame; events/static/events/board.js
draws the grid from /api/v1/board and follows the programme's socket."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from events import selectors


@never_cache
@staff_member_required
def board(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    return render(request, "events/board/board.html", {"event": event})
