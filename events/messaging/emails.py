"""The mail of a message to a group: the organisers' text inside the attendee's usual mail (their
language, their programme and private link)."""

from django.urls import reverse
from django.utils import translation

from events import emails, outbox
from events.links import absolute_url
from events.messaging.models import GroupMessage
from events.messaging.services import KIND
from events.models import OutboundEmail


@outbox.builder(KIND)
def group_message(email: OutboundEmail):
    if email.context.get("test"):
        subject, body = email.context["subject"], email.context["body"]
        # A test shows the sample's programme, never their private links.
        site = absolute_url(reverse("events:home"))
        links = {"manage_url": site, "ics_url": site}
        subject = f"[TEST] {subject}"
    else:
        message = GroupMessage.objects.get(pk=email.context["message"])
        subject, body, links = message.subject, message.body, {}
    paragraphs = [paragraph.strip() for paragraph in body.split("\n\n") if paragraph.strip()]
    return emails.compose(email, "group_message", subject, calendar=False, paragraphs=paragraphs, **links)


def sample_text(registration, *, subject: str, body: str) -> str:
    """The plain text of the test mail for `registration`, in their language: the page's sample."""
    email = OutboundEmail(
        kind=KIND,
        to=registration.email,
        registration=registration,
        context={"subject": subject, "body": body, "test": True},
    )
    with translation.override(registration.language):
        return group_message(email).body
