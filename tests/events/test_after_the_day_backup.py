"""A backup holds the feedback, the speakers' links and the certificates: after export, flush and
import, a speaker's link still opens and a printed certificate's code still checks out."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from checkin.models import CheckIn
from events.certificates import services as certificates
from events.feedback.models import Feedback
from events.feedback.services import give_feedback, make_speaker_link
from events.models import Speaker
from tests.clock import at

pytestmark = pytest.mark.django_db(transaction=True)


def test_feedback_links_and_certificates_survive_a_restore(
    event, programme, make_attendee, time_machine, tmp_path
):
    workshop = programme["raad"]
    speaker = Speaker.objects.create(event=event, name="Sanne Spreker")
    workshop.speakers.add(speaker)
    anna = make_attendee(1, workshop)
    CheckIn.objects.create(registration=anna, workshop=workshop, checked_in_at=at(11, 2))
    time_machine.move_to(at(18), tick=False)
    give_feedback(anna, workshop.pk, rating=5, comment="Bewaard")
    token = make_speaker_link(speaker, workshop)
    code = certificates.issue(anna).code

    path = tmp_path / "day.json"
    call_command("export_event", "--output", str(path))
    counts = json.loads(path.read_text(encoding="utf-8"))["counts"]
    assert (
        counts["feedback.feedback"],
        counts["feedback.speakerlink"],
        counts["certificates.certificate"],
    ) == (1, 1, 1)
    call_command("flush", interactive=False)
    assert Feedback.objects.count() == 0
    call_command("import_event", str(path))

    assert list(Feedback.objects.values_list("rating", "comment")) == [(5, "Bewaard")]
    assert "Bewaard" in Client().get(f"/spreker/{token}/").text
    check = Client().get(f"/certificaat/{code}/")
    assert check.status_code == 200
    assert "Dit bewijs is geldig." in check.text
