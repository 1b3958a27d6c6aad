"""The delegation form asks the organisers' questions per member row: each row's answers checked
for that row's role (as POST /api/v1/delegations does), a problem shown at that row with nothing
stored, and the answers stored as the API's, in the exports."""

import csv
import io

import pytest

from events.models import Delegation, Registration, RegistrationQuestion
from tests.factories import DELEGATION_PAGE_POST, create_lunch_and_clerks_session

pytestmark = pytest.mark.django_db

URL = "/aanmelden/delegatie/"


@pytest.fixture
def questions(event) -> dict[str, RegistrationQuestion]:
    """Lunch (required of everyone), the clerks' session (required, clerks only) and topics
    (several choices, optional, council members only)."""
    made = create_lunch_and_clerks_session(event)
    made["topics"] = RegistrationQuestion.objects.create(
        event=event,
        text="Onderwerpen",
        kind=RegistrationQuestion.Kind.CHOICES,
        roles=["raadslid"],
        position=3,
    )
    for position, label in enumerate(("Wonen", "Zorg")):
        made["topics"].options.create(label=label, position=position)
    return made


def option(question: RegistrationQuestion, label: str) -> str:
    return str(question.options.get(label=label).pk)


def answer(row: int, question: RegistrationQuestion) -> str:
    return f"members-{row}-answers.{question.pk}"


def page_post(questions, **fields) -> dict:
    """The coordinator (not attending), a council member with an address (row 0) and a clerk
    without one (row 1), every required answer given."""
    return {
        **DELEGATION_PAGE_POST,
        "members-0-first_name": "Raad",
        "members-0-last_name": "Lid",
        "members-0-email": "raadslid@amersfoort.example",
        "members-0-role": "raadslid",
        answer(0, questions["lunch"]): "yes",
        answer(0, questions["topics"]): [option(questions["topics"], "Zorg")],
        "members-1-first_name": "Gijs",
        "members-1-last_name": "Griffier",
        "members-1-role": "griffier",
        answer(1, questions["lunch"]): "no",
        answer(1, questions["session"]): option(questions["session"], "Middag"),
        # A council members' question answered for the clerk: ignored, as by the API.
        answer(1, questions["topics"]): [option(questions["topics"], "Wonen")],
        **fields,
    }


def stored() -> dict:
    return {
        registration.last_name: {
            answer.question.text: answer.display() for answer in registration.answers.all()
        }
        for registration in Registration.objects.order_by("pk")
    }


def test_every_row_shows_the_questions_with_the_roles_they_are_for(client, programme, questions):
    page = client.get(URL).content.decode()

    session = questions["session"]
    # The five rows' and the coordinator's (asked when they attend).
    assert page.count('<h3 class="row-questions">Vragen van de organisatie</h3>') == 6
    assert '<h2 id="vragen">' not in page
    assert page.count('<fieldset class="delegation-member" data-question-scope>') == 5
    assert f'<fieldset class="field checkbox-group" id="id_members-4-answers.{session.pk}"' in page
    assert (
        f'<input type="radio" name="members-4-answers.{session.pk}" value="{option(session, "Ochtend")}"'
        in page
    )
    assert page.count("Alleen voor: Griffier.") == 6
    assert page.count("Alleen voor: Raadslid.") == 6
    assert "events/questions.js" in page


def test_the_answers_are_stored_per_member_for_their_role(client, programme, questions):
    response = client.post(URL, page_post(questions))

    assert response.status_code == 302
    assert stored() == {
        "Lid": {"Blijft u lunchen?": "ja", "Onderwerpen": "Zorg"},
        "Griffier": {"Blijft u lunchen?": "nee", "Welk griffiersoverleg?": "Middag"},
    }


def test_the_answers_are_in_the_attendees_export(client, staff_client, programme, questions):
    client.post(URL, page_post(questions))

    response = staff_client.get("/dashboard/export/attendees.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-3:] == ["Blijft u lunchen?", "Welk griffiersoverleg?", "Onderwerpen"]
    assert sorted(row[-3:] for row in rows[1:]) == [["ja", "", "Zorg"], ["nee", "Middag", ""]]


@pytest.mark.parametrize(
    ("row", "name", "value", "message"),
    [
        (1, "session", "", "Deze vraag is verplicht."),
        (0, "lunch", "", "Deze vraag is verplicht."),
        (1, "lunch", "misschien", "Antwoord met ja of nee."),
        (1, "session", "999999", "Kies uit de mogelijkheden."),
    ],
)
def test_a_bad_answer_is_a_422_at_its_members_row_and_nothing_is_stored(
    client, programme, questions, row, name, value, message
):
    response = client.post(URL, page_post(questions, **{answer(row, questions[name]): value}))

    page = response.content.decode()
    field_id = f"id_members-{row}-answers.{questions[name].pk}"
    assert response.status_code == 422
    assert f'<p class="field-error" id="{field_id}_error">{message}' in page
    assert f'<li><a href="#{field_id}">Persoon {row + 1}, ' in page
    assert (Registration.objects.count(), Delegation.objects.count()) == (0, 0)


def test_a_row_with_only_answers_is_told_its_name_is_missing(client, programme, questions):
    response = client.post(URL, page_post(questions, **{answer(2, questions["lunch"]): "yes"}))

    assert response.status_code == 422
    assert 'href="#id_members-2-first_name"' in response.content.decode()
    assert Registration.objects.count() == 0


def test_without_questions_the_rows_ask_none(client, programme):
    page = client.get(URL).content.decode()

    assert "Vragen van de organisatie" not in page
