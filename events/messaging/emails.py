"""The mail of a message to a group: the organisers' text inside the attendee's usual mail (their
language, their programme and private link), with a one-click opt-out (a footer link and the
List-Unsubscribe header of RFC 8058)."""

from django.urls import reverse
from django.utils import translation

from events import emails, outbox
from events.links import absolute_url
from events.messaging import formatting
from events.messaging.models import GroupMessage
from events.messaging.scheduling import REMINDER_KIND, reminder_subject
from events.messaging.services import KIND, opt_out_token
from events.models import OutboundEmail


def opt_out_url(registration) -> str:
    return absolute_url(reverse("messaging:opt_out", args=[opt_out_token(registration)]))


@outbox.builder(KIND)
def group_message(email: OutboundEmail):
    if email.context.get("test"):
        subject, body = email.context["subject"], email.context["body"]
        # A test shows the sample's programme, never their private links.
        site = absolute_url(reverse("events:home"))
        links = {"manage_url": site, "ics_url": site, "opt_out_url": site}
        subject = f"[TEST] {subject}"
        unsubscribe = ""
    else:
        message = GroupMessage.objects.get(pk=email.context["message"])
        subject, body = message.subject, message.body
        unsubscribe = opt_out_url(email.registration)
        links = {"opt_out_url": unsubscribe}
    mail = emails.compose(
        email,
        "group_message",
        subject,
        calendar=False,
        body_html=formatting.to_html(body),
        body_text=formatting.to_text(body),
        **links,
    )
    if unsubscribe:
        mail.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        mail.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return mail


@outbox.builder(REMINDER_KIND)
def event_reminder(email: OutboundEmail):
    """The built-in reminder, per person in their language: the badge, their programme with the
    calendar file, the route and when the doors open, and their private link. Practical: it also
    reaches those who opted out of messages, so it carries no opt-out link."""
    mail = emails.compose(email, "reminder", reminder_subject(email.registration.event))
    return emails.attach_badge(mail, email.registration)


def sample(registration, *, subject: str, body: str) -> tuple[str, str]:
    """The plain text of the test mail for `registration`, in their language, and the message's
    own part as HTML: the page's sample for one recipient."""
    email = OutboundEmail(
        kind=KIND,
        to=registration.email,
        registration=registration,
        context={"subject": subject, "body": body, "test": True},
    )
    with translation.override(registration.language):
        return group_message(email).body, formatting.to_html(body)
