"""The morning-after reminder (queued by events.feedback.services.remind_feedback)."""

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events import outbox
from events.feedback.selectors import open_sessions
from events.links import absolute_url
from events.models import OutboundEmail


@outbox.builder("feedback_reminder")
def feedback_reminder(email: OutboundEmail):
    registration = email.registration
    event = registration.event
    with timezone.override(ZoneInfo(event.timezone)):
        sessions = [session for session in open_sessions(registration) if session.feedback is None]
        context = {
            "registration": registration,
            "event": event,
            "sessions": sessions,
            "closes_at": max((session.window.closes_at for session in sessions), default=None),
            "feedback_url": absolute_url(
                reverse("events:manage", args=[registration.manage_token]) + "#feedback"
            ),
        }
        return outbox.message(
            email,
            event=event,
            subject=_("What did you think of %(event)s?") % {"event": event.name},
            text=render_to_string("events/feedback/email/reminder.txt", context),
            html=render_to_string("events/feedback/email/reminder.html", context),
        )
