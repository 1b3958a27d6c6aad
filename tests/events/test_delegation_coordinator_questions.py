"""An attending coordinator answers the organisers' questions of their role, in the API
(`coordinator.answers`) and on the delegation form (shown with "I attend"); a member added on the
coordinator's page answers those of theirs. A required question cannot be skipped; a problem is a
422 at the field with nothing stored; a coordinator registered on their own keeps their answers."""

import pytest

from events.models import Delegation, QuestionAnswer, Registration
from tests.factories import DELEGATION_PAGE_POST, create_lunch_and_clerks_session
from tests.support import post_json

pytestmark = pytest.mark.django_db

URL = "/api/v1/delegations"
PAGE = "/aanmelden/delegatie/"
GRIFFIER = {
    "first_name": "Griet",
    "last_name": "Griffier",
    "email": "griffie@amersfoort.example",
    "role": "griffier",
}
MEMBER = {"first_name": "Raad", "last_name": "Lid", "email": "lid@amersfoort.example", "role": "raadslid"}


@pytest.fixture
def questions(event) -> dict:
    return create_lunch_and_clerks_session(event)


def option(question, label: str) -> str:
    return str(question.options.get(label=label).pk)


def payload(questions, *, attending: bool = True, **coordinator) -> dict:
    return {
        "coordinator": {**GRIFFIER, **coordinator},
        "municipality": "GM0307",
        "attending": attending,
        "members": [{**MEMBER, "answers": {str(questions["lunch"].pk): False}}],
    }


def stored() -> dict:
    return {
        registration.last_name: {
            answer.question.text: answer.display() for answer in registration.answers.all()
        }
        for registration in Registration.objects.order_by("pk")
    }


def griffier_answers(questions, **overrides) -> dict:
    return {
        str(questions["lunch"].pk): True,
        str(questions["session"].pk): option(questions["session"], "Middag"),
        **overrides,
    }


def test_an_attending_coordinators_answers_are_stored_with_their_registration(api, programme, questions):
    response = post_json(api, URL, payload(questions, answers=griffier_answers(questions)))

    assert response.status_code == 201
    assert stored() == {
        "Griffier": {"Blijft u lunchen?": "ja", "Welk griffiersoverleg?": "Middag"},
        "Lid": {"Blijft u lunchen?": "nee"},
    }
    delegation = Delegation.objects.get()
    assert delegation.coordinator_registration.answers.count() == 2


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        (None, "session", "Deze vraag is verplicht."),  # left out: nothing answered
        ({"lunch": True}, "session", "Deze vraag is verplicht."),
        ({"lunch": True, "session": "999999"}, "session", "Kies uit de mogelijkheden."),
        ({"lunch": "ja", "session": "Middag"}, "lunch", "Antwoord met ja of nee."),
    ],
)
def test_a_missing_or_bad_answer_of_an_attending_coordinator_is_a_422_and_nothing_is_stored(
    api, programme, questions, answers, field, message
):
    if answers is not None:
        answers = {
            str(questions[name].pk): option(questions[name], value) if value == "Middag" else value
            for name, value in answers.items()
        }
    body = payload(questions) if answers is None else payload(questions, answers=answers)

    response = post_json(api, URL, body)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[f"coordinator.answers.{questions[field].pk}"] == [message]
    assert (Registration.objects.count(), Delegation.objects.count(), QuestionAnswer.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_coordinator_who_does_not_attend_gives_no_answers(api, programme, questions):
    refused = post_json(api, URL, payload(questions, attending=False, answers=griffier_answers(questions)))
    not_asked = post_json(api, URL, payload(questions, attending=False))

    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "coordinator.answers": ["Antwoorden zijn alleen voor een coördinator die zelf komt."]
    }
    assert not_asked.status_code == 201
    assert stored() == {"Lid": {"Blijft u lunchen?": "nee"}}


def test_an_attending_coordinator_registered_alone_keeps_their_own_answers(
    api, make_attendee, programme, questions
):
    alone = make_attendee(1, role="griffier")
    QuestionAnswer.objects.create(registration=alone, question=questions["lunch"], yes_no=False)

    response = post_json(api, URL, payload(questions, email=alone.email))  # no answers: not asked

    assert response.status_code == 201
    assert response.json()["members"][0]["status"] == "invited"
    assert [answer.display() for answer in alone.answers.all()] == ["nee"]
    assert Registration.objects.filter(email__iexact=alone.email).count() == 1


def page_post(questions, **fields) -> dict:
    return {
        **DELEGATION_PAGE_POST,
        "members-0-first_name": "Raad",
        "members-0-last_name": "Lid",
        "members-0-role": "raadslid",
        f"members-0-answers.{questions['lunch'].pk}": "no",
        **fields,
    }


def test_the_form_asks_the_coordinator_the_questions_with_i_attend(client, programme, questions):
    page = client.get(PAGE).content.decode()

    assert '<div class="coordinator-questions" data-shown-by="id_attending">' in page
    assert f'<input type="radio" name="answers.{questions["lunch"].pk}" value="yes"' in page
    assert f'name="answers.{questions["session"].pk}"' in page


def test_the_form_stores_an_attending_coordinators_answers(client, programme, questions):
    response = client.post(
        PAGE,
        page_post(
            questions,
            attending="on",
            **{
                f"answers.{questions['lunch'].pk}": "yes",
                f"answers.{questions['session'].pk}": option(questions["session"], "Ochtend"),
            },
        ),
    )

    assert response.status_code == 302
    assert stored() == {
        "Griffier": {"Blijft u lunchen?": "ja", "Welk griffiersoverleg?": "Ochtend"},
        "Lid": {"Blijft u lunchen?": "nee"},
    }


def test_the_form_shows_an_attending_coordinators_missing_answer_at_the_field(client, programme, questions):
    response = client.post(
        PAGE, page_post(questions, attending="on", **{f"answers.{questions['lunch'].pk}": "yes"})
    )

    at_field = (
        f'<p class="field-error" id="id_answers.{questions["session"].pk}_error">Deze vraag is verplicht.'
    )
    in_summary = f'<li><a href="#id_answers.{questions["session"].pk}">Welk griffiersoverleg?: Deze vraag'
    assert (response.status_code, Registration.objects.count(), Delegation.objects.count()) == (422, 0, 0)
    assert [text in response.content.decode() for text in (at_field, in_summary)] == [True, True]


def test_the_form_ignores_the_answers_of_a_coordinator_who_does_not_attend(client, programme, questions):
    response = client.post(PAGE, page_post(questions, **{f"answers.{questions['lunch'].pk}": "yes"}))

    assert response.status_code == 302
    assert stored() == {"Lid": {"Blijft u lunchen?": "nee"}}


def coordinators_page(api, questions) -> str:
    assert post_json(api, URL, payload(questions, attending=False)).status_code == 201
    return f"/aanmelden/delegatie/{Delegation.objects.get().manage_token}/"


def test_the_coordinators_page_asks_the_new_member_the_questions(api, client, programme, questions):
    page = client.get(coordinators_page(api, questions)).content.decode()

    assert f'<input type="radio" name="new-answers.{questions["lunch"].pk}" value="yes"' in page
    assert f'name="new-answers.{questions["session"].pk}"' in page
    assert "events/questions.js" in page


def test_a_member_added_on_the_coordinators_page_answers_for_their_role(api, client, programme, questions):
    page = coordinators_page(api, questions)
    new = {"add": "1", "new-first_name": "Nieuw", "new-last_name": "Griffier2", "new-role": "griffier"}

    missing = client.post(page, {**new, f"new-answers.{questions['lunch'].pk}": "yes"})
    added = client.post(
        page,
        {
            **new,
            f"new-answers.{questions['lunch'].pk}": "yes",
            f"new-answers.{questions['session'].pk}": option(questions["session"], "Middag"),
        },
    )

    field_id = f"id_new-answers.{questions['session'].pk}"
    assert missing.status_code == 422
    assert (
        f'<p class="field-error" id="{field_id}_error">Deze vraag is verplicht.' in missing.content.decode()
    )
    assert added.status_code == 302
    assert stored() == {
        "Lid": {"Blijft u lunchen?": "nee"},
        "Griffier2": {"Blijft u lunchen?": "ja", "Welk griffiersoverleg?": "Middag"},
    }
