"""The room's lists for the organisers (events.exports): poll results and the questions asked."""

from django.db.models import Count
from django.utils.translation import gettext as _

from events.exports import Table
from events.models import Event
from events.room.models import Poll, Question
from events.room.selectors import poll_results
from events.times import local_time


def polls_table(event: Event) -> Table:
    """One row per option, scale value or word of every poll that was opened (stored results of closed ones)."""
    polls = (
        Poll.objects.filter(room__workshop__round__event=event)
        .exclude(status=Poll.Status.DRAFT)
        .select_related("room__workshop__round")
        .order_by("room__workshop__round__starts_at", "room__workshop__title", "created_at", "pk")
    )
    rows = []
    for poll in polls:
        results = poll_results(poll)
        workshop = poll.room.workshop
        for item in results["counts"]:
            rows.append(
                [
                    workshop.round.label,
                    workshop.title,
                    poll.question,
                    poll.get_kind_display(),
                    poll.get_status_display(),
                    item["label"],
                    item["count"],
                    results["votes"],
                    results["average"],
                    local_time(poll.opened_at),
                    local_time(poll.closed_at),
                ]
            )
    columns = [
        _("Round"), _("Session"), _("Question"), _("Kind"), _("Status"), _("Answer"), _("Count"),
        _("Votes"), _("Average"), _("Opened at"), _("Closed at"),
    ]  # fmt: skip
    return Table(_("Poll results"), "peilingen", columns, rows)


def questions_table(event: Event) -> Table:
    questions = (
        Question.objects.filter(room__workshop__round__event=event)
        .select_related("room__workshop__round", "registration")
        .annotate(upvote_count=Count("upvotes"))
        .order_by("room__workshop__round__starts_at", "room__workshop__title", "-upvote_count", "created_at")
    )
    rows = [
        [
            question.room.workshop.round.label,
            question.room.workshop.title,
            question.text,
            question.get_status_display(),
            question.upvote_count,
            question.registration.full_name,
            _("yes") if question.show_name else _("no"),
            local_time(question.created_at),
        ]
        for question in questions
    ]
    columns = [
        _("Round"), _("Session"), _("Question"), _("Status"), _("Upvotes"), _("Asked by"),
        _("Name shown to the room"), _("Asked at"),
    ]  # fmt: skip
    return Table(_("Questions in the room"), "vragen", columns, rows)
