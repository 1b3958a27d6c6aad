"""Feedback on the sessions: only for whoever was scanned in at the door, from the end of the
session for a week, one per person per session; organisers' and speakers' results; the reminder;
export, backup and erasure."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client

from checkin.models import CheckIn
from events import services
from events.backup import export_event
from events.errors import InvalidInput
from events.feedback.models import Feedback, FeedbackReminder, SpeakerLink
from events.feedback.services import give_feedback, remind_feedback
from events.models import AuditEntry, Speaker
from tests.clock import at
from tests.concurrency import race
from tests.support import requires_postgres


@pytest.fixture
def organiser(staff_user):
    """Logs the organiser in at the moment the test has moved to (a session from today expires)."""

    def login() -> Client:
        client = Client()
        client.force_login(staff_user)
        return client

    return login


@pytest.fixture
def scanned(programme, make_attendee):
    """Anna booked "Sterke Raad" and was scanned in at its door; Bram booked it but never came."""
    anna = make_attendee(1, programme["raad"], first_name="Anna", last_name="Aanwezig")
    bram = make_attendee(2, programme["raad"], first_name="Bram", last_name="Afwezig")
    CheckIn.objects.create(registration=anna, workshop=programme["raad"], checked_in_at=at(11, 2))
    return {"anna": anna, "bram": bram, "workshop": programme["raad"]}


def form_url(registration, workshop) -> str:
    return f"/r/{registration.manage_token}/feedback/{workshop.pk}/"


def post(client: Client, registration, workshop, **data):
    prefixed = {f"feedback-{workshop.pk}-{name}": value for name, value in data.items()}
    return client.post(form_url(registration, workshop), prefixed)


def test_the_form_shows_once_the_session_ended_and_only_to_who_was_there(client, scanned, time_machine):
    anna, bram, workshop = scanned["anna"], scanned["bram"], scanned["workshop"]
    time_machine.move_to(at(11, 30), tick=False)
    assert form_url(anna, workshop) not in client.get(f"/r/{anna.manage_token}/").text

    time_machine.move_to(at(12, 5), tick=False)
    page = client.get(f"/r/{anna.manage_token}/").text
    assert "Wat vond u ervan?" in page
    assert form_url(anna, workshop) in page
    assert page.count(f'name="feedback-{workshop.pk}-rating"') == 5
    assert form_url(bram, workshop) not in client.get(f"/r/{bram.manage_token}/").text


def test_feedback_is_stored_once_and_a_second_post_changes_it(client, scanned, time_machine):
    anna, workshop = scanned["anna"], scanned["workshop"]
    time_machine.move_to(at(12, 5), tick=False)

    response = post(client, anna, workshop, rating="4", comment="  Goede voorbeelden uit Zwolle. ")
    assert response.status_code == 302
    assert response["Location"] == f"/r/{anna.manage_token}/?feedback={workshop.pk}#feedback"
    assert list(Feedback.objects.values_list("registration", "workshop", "rating", "comment")) == [
        (anna.pk, workshop.pk, 4, "Goede voorbeelden uit Zwolle.")
    ]
    page = client.get(response["Location"]).text
    assert "Dank u wel, uw feedback is opgeslagen." in page
    assert "Feedback wijzigen" in page

    assert post(client, anna, workshop, rating="2", comment="").status_code == 302
    assert list(Feedback.objects.values_list("rating", "comment")) == [(2, "")]


@pytest.mark.parametrize(
    "data",
    [
        {"rating": "0"},
        {"rating": "6"},
        {"rating": "vier"},
        {"rating": ""},
        {},
        {"rating": "3", "comment": "x" * 1001},
    ],
)
def test_bad_input_is_422_and_stores_nothing(client, scanned, time_machine, data):
    time_machine.move_to(at(12, 5), tick=False)
    response = post(client, scanned["anna"], scanned["workshop"], **data)
    assert response.status_code == 422
    assert Feedback.objects.count() == 0


def test_the_service_refuses_bad_values_too(scanned, time_machine):
    time_machine.move_to(at(12, 5), tick=False)
    for rating in (None, True, 2.5, "5 sterren", 0):
        with pytest.raises(InvalidInput) as refused:
            give_feedback(scanned["anna"], scanned["workshop"].pk, rating=rating)
        assert refused.value.errors == {"rating": ["Kies een beoordeling van 1 tot en met 5."]}
    with pytest.raises(InvalidInput) as refused:
        give_feedback(scanned["anna"], scanned["workshop"].pk, rating=3, comment=["lijst"])
    assert refused.value.errors == {"comment": ["De opmerking moet tekst zijn."]}
    assert Feedback.objects.count() == 0


def test_who_was_not_scanned_in_gets_409_and_nothing_is_stored(client, scanned, time_machine):
    time_machine.move_to(at(12, 5), tick=False)
    response = post(client, scanned["bram"], scanned["workshop"], rating="5")
    assert response.status_code == 409
    assert "alleen feedback geven op een sessie waar u bent ingecheckt" in response.text
    assert Feedback.objects.count() == 0


def test_a_session_of_another_event_or_none_at_all_is_404(client, scanned, time_machine):
    time_machine.move_to(at(12, 5), tick=False)
    url = f"/r/{scanned['anna'].manage_token}/feedback/999999/"
    assert client.post(url, {"feedback-999999-rating": "5"}).status_code == 404
    assert client.post(f"/r/onbekend/feedback/{scanned['workshop'].pk}/", {}).status_code == 404
    assert client.get(form_url(scanned["anna"], scanned["workshop"])).status_code == 405
    assert Feedback.objects.count() == 0


def test_the_window_is_from_the_end_of_the_session_for_a_week(client, scanned, time_machine):
    anna, workshop = scanned["anna"], scanned["workshop"]
    ends_at = workshop.round.ends_at

    time_machine.move_to(ends_at - timedelta(seconds=1), tick=False)
    assert post(client, anna, workshop, rating="3").status_code == 409
    assert Feedback.objects.count() == 0

    time_machine.move_to(ends_at, tick=False)
    assert post(client, anna, workshop, rating="3").status_code == 302

    time_machine.move_to(ends_at + timedelta(days=7, seconds=-1), tick=False)
    assert post(client, anna, workshop, rating="5").status_code == 302
    assert "u kunt het wijzigen tot" in client.get(f"/r/{anna.manage_token}/").text.lower()

    time_machine.move_to(ends_at + timedelta(days=7), tick=False)
    response = post(client, anna, workshop, rating="1")
    assert response.status_code == 409
    assert "gesloten" in response.text
    assert form_url(anna, workshop) not in client.get(f"/r/{anna.manage_token}/").text
    assert list(Feedback.objects.values_list("rating", flat=True)) == [5]


def test_the_database_holds_one_per_person_per_session(scanned):
    Feedback.objects.create(registration=scanned["anna"], workshop=scanned["workshop"], rating=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(registration=scanned["anna"], workshop=scanned["workshop"], rating=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(registration=scanned["bram"], workshop=scanned["workshop"], rating=6)
    assert Feedback.objects.count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_phones_sending_at_once_leave_one_feedback(scanned, time_machine):
    time_machine.move_to(at(12, 5), tick=False)
    anna, workshop = scanned["anna"], scanned["workshop"]

    results = race(lambda i: give_feedback(anna, workshop.pk, rating=1 + i % 5, comment=f"telefoon {i}"), 8)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert Feedback.objects.filter(registration=anna, workshop=workshop).count() == 1


def test_organisers_see_the_results_per_session_without_names(
    organiser, client, scanned, make_attendee, time_machine
):
    workshop = scanned["workshop"]
    carla = make_attendee(3, workshop, first_name="Carla", last_name="Commentaar")
    CheckIn.objects.create(registration=carla, workshop=workshop, checked_in_at=at(11, 4))
    time_machine.move_to(at(12, 5), tick=False)
    give_feedback(scanned["anna"], workshop.pk, rating=5, comment="Heel <b>praktisch</b>")
    give_feedback(carla, workshop.pk, rating=2)
    organiser_admin = organiser()

    overview = organiser_admin.get("/dashboard/feedback/")
    assert overview.status_code == 200
    assert (
        f'<a href="/dashboard/feedback/{workshop.pk}/">{workshop.title}</a></td><td>2</td><td>3,5</td>'
        in overview.text
    )
    results = organiser_admin.get(f"/dashboard/feedback/{workshop.pk}/").text
    assert "Gemiddeld 3,5 van 5, uit 2 beoordelingen" in results
    assert "Heel &lt;b&gt;praktisch&lt;/b&gt;" in results
    assert "Anna" not in results and "Carla" not in results
    assert client.get("/dashboard/feedback/").status_code == 302  # to the login


def test_each_speaker_gets_a_private_link_to_their_own_session(
    organiser, staff_user, client, event, scanned, programme, time_machine
):
    workshop = scanned["workshop"]
    speaker = Speaker.objects.create(event=event, name="Sanne Spreker")
    other = Speaker.objects.create(event=event, name="Olaf Ander")
    workshop.speakers.add(speaker)
    time_machine.move_to(at(12, 5), tick=False)
    give_feedback(scanned["anna"], workshop.pk, rating=4, comment="Meer tijd voor vragen")
    organiser_admin = organiser()

    page = organiser_admin.post(f"/dashboard/feedback/{workshop.pk}/", {"speaker": speaker.pk}).text
    link = page.split('<code class="speaker-link">')[1].split("</code>")[0]
    token = link.rsplit("/", 2)[-2]
    assert link == f"http://testserver/spreker/{token}/"
    assert SpeakerLink.objects.get().token_hash != token  # only its hash is kept
    made = AuditEntry.objects.get(action="feedback.speaker_link_made")
    assert (made.object_repr, made.user.username, made.event_id) == (
        "Sanne Spreker – Sterke Raad",
        staff_user.username,
        event.pk,
    )

    speaker_page = client.get(f"/spreker/{token}/")
    assert speaker_page.status_code == 200
    assert "Meer tijd voor vragen" in speaker_page.text
    assert "Anna" not in speaker_page.text
    assert "Link voor" not in speaker_page.text  # no way to make links from there

    # A new link replaces the old one.
    organiser_admin.post(f"/dashboard/feedback/{workshop.pk}/", {"speaker": speaker.pk})
    assert client.get(f"/spreker/{token}/").status_code == 404
    assert SpeakerLink.objects.count() == 1
    # Only the session's own speakers.
    refused = organiser_admin.post(f"/dashboard/feedback/{workshop.pk}/", {"speaker": other.pk})
    assert refused.status_code == 422
    assert SpeakerLink.objects.count() == 1
    assert client.get("/spreker/verzonnen-token/").status_code == 404
    for bad in ({"speaker": "Sanne"}, {"speaker": "1 OR 1=1"}, {}):
        assert organiser_admin.post(f"/dashboard/feedback/{workshop.pk}/", bad).status_code == 400
    assert (
        organiser_admin.post(f"/dashboard/feedback/{workshop.pk}/", {"speaker": "999999"}).status_code == 404
    )
    assert organiser_admin.get("/dashboard/feedback/999999/").status_code == 404
    assert SpeakerLink.objects.count() == 1


def test_the_export_lists_every_rating_without_who_gave_it(organiser, scanned, time_machine):
    time_machine.move_to(at(12, 5), tick=False)
    give_feedback(scanned["anna"], scanned["workshop"].pk, rating=4, comment="Prima")
    organiser_admin = organiser()

    response = organiser_admin.get("/dashboard/export/feedback.csv")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Ronde;Sessie;Beoordeling;Opmerking;Gegeven op"
    assert lines[1].startswith("Ronde 1;Sterke Raad;4;Prima;")
    assert "Aanwezig" not in response.content.decode("utf-8-sig")


def test_the_reminder_goes_the_next_morning_once_to_who_gave_none(
    scanned, make_attendee, time_machine, settings, django_capture_on_commit_callbacks
):
    settings.FEEDBACK_REMINDER_HOUR = 9
    workshop = scanned["workshop"]
    done = make_attendee(4, workshop, first_name="Dirk", last_name="Gedaan")
    CheckIn.objects.create(registration=done, workshop=workshop, checked_in_at=at(11, 3))
    time_machine.move_to(at(12, 5), tick=False)
    give_feedback(done, workshop.pk, rating=5)
    mail.outbox.clear()

    assert remind_feedback(at(23)) == 0
    assert remind_feedback(at(8, 59, days=1)) == 0
    time_machine.move_to(at(9, 1, days=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_feedback() == 1
    assert remind_feedback() == 0
    assert [message.to for message in mail.outbox] == [[scanned["anna"].email]]
    message = mail.outbox[0]
    assert message.subject == "Wat vond u van Dag van de Lokale Democratie?"
    assert f"/r/{scanned['anna'].manage_token}/#feedback" in message.body
    assert "- Sterke Raad" in message.body
    html = message.alternatives[0][0]
    assert f"/r/{scanned['anna'].manage_token}/#feedback" in html
    assert "<li>Sterke Raad</li>" in html
    assert "Uw programma" not in html + message.body  # after the day: only the question
    assert list(FeedbackReminder.objects.values_list("registration", flat=True)) == [scanned["anna"].pk]

    settings.FEEDBACK_REMINDER_HOUR = -1
    FeedbackReminder.objects.all().delete()
    assert remind_feedback() == 0


def test_feedback_is_in_the_personal_data_export_backup_and_erased_with_the_person(
    client, scanned, time_machine
):
    anna, workshop = scanned["anna"], scanned["workshop"]
    time_machine.move_to(at(12, 5), tick=False)
    give_feedback(anna, workshop.pk, rating=3, comment="Te kort")
    FeedbackReminder.objects.create(registration=anna, queued_at=at(9, days=1))

    data = client.get(f"/r/{anna.manage_token}/gegevens.json").json()
    assert [(item["workshop"], item["rating"], item["comment"]) for item in data["feedback"]] == [
        ("Sterke Raad", 3, "Te kort")
    ]
    labels = [row["model"] for row in export_event(anna.event)["objects"]]
    assert labels.count("feedback.feedback") == 1
    assert labels.count("feedback.feedbackreminder") == 1

    removed = services.erase_registration(anna)
    assert removed["feedback"] == 1
    assert Feedback.objects.count() == 0
    assert FeedbackReminder.objects.count() == 0


def test_the_reminder_goes_that_morning_only(scanned, settings):
    settings.FEEDBACK_REMINDER_HOUR = 9
    assert remind_feedback(at(12, 0, days=1)) == 0  # REMINDER_HOURS after 9:00
    assert remind_feedback(at(9, 0, days=2)) == 0
    assert remind_feedback(at(11, 59, days=1)) == 1
    assert FeedbackReminder.objects.count() == 1


def test_no_reminder_for_the_cancelled_nor_after_the_week(scanned, time_machine, settings):
    settings.FEEDBACK_REMINDER_HOUR = 9
    anna = scanned["anna"]
    assert remind_feedback(at(9, 0, days=8)) == 0  # the week is over
    services.cancel_registration(anna)
    assert remind_feedback(at(9, 1, days=1)) == 0
    assert FeedbackReminder.objects.count() == 0


def test_no_feedback_on_a_session_the_organisers_cancelled(client, scanned, time_machine):
    workshop = scanned["workshop"]
    type(workshop).objects.filter(pk=workshop.pk).update(status="cancelled")
    time_machine.move_to(at(12, 5), tick=False)
    assert post(client, scanned["anna"], workshop, rating="4").status_code == 409
    assert form_url(scanned["anna"], workshop) not in client.get(f"/r/{scanned['anna'].manage_token}/").text
    assert Feedback.objects.count() == 0
