"""The feedback panel on an attendee's own page (registered in events.feedback.extras)."""

from django import template

from events.feedback.forms import FeedbackForm
from events.feedback.selectors import open_sessions

register = template.Library()


@register.inclusion_tag("events/feedback/_panel_body.html", takes_context=True)
def feedback_panel(context) -> dict:
    registration = context["registration"]
    request = context.get("request")
    sessions = []
    if registration.is_confirmed:
        for session in open_sessions(registration):
            initial = (
                {"rating": session.feedback.rating, "comment": session.feedback.comment}
                if session.feedback
                else {}
            )
            form = FeedbackForm(initial=initial, prefix=f"feedback-{session.workshop.pk}")
            sessions.append((session, form))
    return {
        "sessions": sessions,
        "token": context["token"],
        "saved": request.GET.get("feedback", "") if request else "",
        "csrf_token": context.get("csrf_token"),
    }
