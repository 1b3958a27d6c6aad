"""The organisers' own registration questions: published, asked per role, each answer checked on the
server (422 on `answers.<id>`, nothing stored), and the answers in the exports, the personal data
export, the erasure and the admin."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from events import services
from events.models import AuditEntry, InvitationCode, QuestionAnswer, Registration, RegistrationQuestion
from tests.factories import registration_payload
from tests.support import post_json, trail

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations"


@pytest.fixture
def questions(event) -> dict[str, RegistrationQuestion]:
    """Diet (text, optional), lunch (yes/no, required), a session only clerks choose (one choice,
    required for them) and topics (several choices, optional); and one no longer asked."""
    kind = RegistrationQuestion.Kind
    made = {
        "diet": RegistrationQuestion.objects.create(
            event=event, text="Dieetwensen", kind=kind.TEXT, position=1
        ),
        "lunch": RegistrationQuestion.objects.create(
            event=event, text="Blijft u lunchen?", kind=kind.YES_NO, required=True, position=2
        ),
        "session": RegistrationQuestion.objects.create(
            event=event,
            text="Welk griffiersoverleg?",
            help_text="Ochtend of middag.",
            kind=kind.CHOICE,
            required=True,
            roles=["griffier"],
            position=3,
        ),
        "topics": RegistrationQuestion.objects.create(
            event=event, text="Onderwerpen", kind=kind.CHOICES, position=4
        ),
        "old": RegistrationQuestion.objects.create(
            event=event, text="Oude vraag", kind=kind.TEXT, position=5, active=False
        ),
    }
    for label, position in (("Middag", 2), ("Ochtend", 1)):
        made["session"].options.create(label=label, position=position)
    for position, label in enumerate(("Wonen", "Zorg", "Klimaat")):
        made["topics"].options.create(label=label, position=position)
    return made


def option(question: RegistrationQuestion, label: str) -> str:
    return str(question.options.get(label=label).pk)


def key(question: RegistrationQuestion) -> str:
    return str(question.pk)


def register(api, answers: dict, **overrides):
    return post_json(api, URL, registration_payload(answers=answers, **overrides))


def full_answers(questions) -> dict:
    return {
        key(questions["diet"]): "Vegetarisch",
        key(questions["lunch"]): True,
        key(questions["session"]): option(questions["session"], "Ochtend"),
        key(questions["topics"]): [option(questions["topics"], "Zorg"), option(questions["topics"], "Wonen")],
    }


def stored(registration: Registration) -> dict:
    return {answer.question.text: answer.display() for answer in registration.answers.all()}


def test_the_questions_are_published_in_their_order_without_inactive_ones(api, questions):
    response = api.get("/api/v1/questions")

    assert response.status_code == 200
    session = questions["session"]
    assert [(q["text"], q["kind"], q["required"], q["roles"]) for q in response.json()] == [
        ("Dieetwensen", "text", False, []),
        ("Blijft u lunchen?", "yes_no", True, []),
        ("Welk griffiersoverleg?", "choice", True, ["griffier"]),
        ("Onderwerpen", "choices", False, []),
    ]
    assert response.json()[2] == {
        "id": session.pk,
        "text": "Welk griffiersoverleg?",
        "help_text": "Ochtend of middag.",
        "kind": "choice",
        "required": True,
        "roles": ["griffier"],
        "options": [
            {"id": int(option(session, "Ochtend")), "label": "Ochtend"},
            {"id": int(option(session, "Middag")), "label": "Middag"},
        ],
    }


def test_every_kind_answered_is_stored_and_shown_in_the_registration(api, questions):
    response = register(api, full_answers(questions), role="griffier")

    assert response.status_code == 201
    registration = Registration.objects.get(reference=response.json()["reference"])
    assert stored(registration) == {
        "Dieetwensen": "Vegetarisch",
        "Blijft u lunchen?": "ja",
        "Welk griffiersoverleg?": "Ochtend",
        "Onderwerpen": "Wonen; Zorg",
    }
    detail = api.get(f"/api/v1/registrations/{registration.manage_token}").json()
    topics = questions["topics"]
    assert detail["answers"] == {
        **full_answers(questions),
        key(topics): [option(topics, "Wonen"), option(topics, "Zorg")],  # in the options' order
    }


def test_optional_questions_may_stay_empty(api, questions):
    response = register(api, {key(questions["lunch"]): False, key(questions["diet"]): "  "})

    assert response.status_code == 201
    assert stored(Registration.objects.get()) == {"Blijft u lunchen?": "nee"}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("diet", "x" * 501, "Houd uw antwoord op ten hoogste 500 tekens."),
        ("diet", "twee\nregels", "Gebruik één regel, zonder tabs of andere stuurtekens."),
        ("diet", ["Vegetarisch"], "Typ uw antwoord als tekst."),
        ("lunch", "ja", "Antwoord met ja of nee."),
        ("lunch", None, "Deze vraag is verplicht."),
        ("session", "999999", "Kies uit de mogelijkheden."),
        ("session", [], "Deze vraag is verplicht."),
        ("session", ["1"], "Kies een van de mogelijkheden."),
        ("topics", ["999999"], "Kies uit de mogelijkheden."),
        ("topics", "Wonen", "Kies uit de mogelijkheden."),
    ],
)
def test_an_answer_that_does_not_fit_is_a_422_on_its_field(api, questions, name, value, message):
    answers = {**full_answers(questions), key(questions[name]): value}

    response = register(api, answers, role="griffier")

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["errors"]) == ("invalid", {f"answers.{questions[name].pk}": [message]})
    assert (Registration.objects.count(), QuestionAnswer.objects.count()) == (0, 0)


def test_another_questions_option_is_no_option(api, questions):
    answers = {**full_answers(questions), key(questions["topics"]): [option(questions["session"], "Middag")]}

    response = register(api, answers, role="griffier")

    assert response.json()["errors"] == {f"answers.{questions['topics'].pk}": ["Kies uit de mogelijkheden."]}


def test_a_value_of_the_wrong_type_is_refused_by_the_schema_on_its_field(api, questions):
    response = register(api, {key(questions["lunch"]): 1})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [f"answers.{questions['lunch'].pk}"]


def test_every_problem_is_told_at_once_and_nothing_is_stored(api, questions):
    answers = {key(questions["diet"]): "a\tb", key(questions["topics"]): ["x"], "999999": "?"}

    response = register(api, answers, role="griffier")

    assert response.status_code == 422
    asked = ("diet", "lunch", "session", "topics")
    assert sorted(response.json()["errors"]) == [
        *sorted(f"answers.{questions[name].pk}" for name in asked),
        "answers.999999",
    ]
    assert (Registration.objects.count(), QuestionAnswer.objects.count()) == (0, 0)


def test_a_question_no_longer_asked_is_refused(api, questions):
    answers = {**full_answers(questions), key(questions["old"]): "Nog steeds"}

    response = register(api, answers)

    assert response.json()["errors"] == {f"answers.{questions['old'].pk}": ["Deze vraag wordt niet gesteld."]}


def test_a_question_for_other_roles_is_not_required_and_its_answer_ignored(api, questions):
    session = questions["session"]
    without = {key(questions["lunch"]): True}

    clerk = register(api, without, role="griffier")
    councillor = register(api, {**without, key(session): option(session, "Middag")}, role="raadslid")

    assert clerk.json()["errors"] == {f"answers.{session.pk}": ["Deze vraag is verplicht."]}
    assert councillor.status_code == 201
    assert stored(Registration.objects.get()) == {"Blijft u lunchen?": "ja"}


def test_the_role_an_invitation_code_fixes_decides_and_a_refusal_gives_the_use_back(api, event, questions):
    code = InvitationCode.objects.create(event=event, code="GRIFFIE", role="griffier", uses_allowed=1)
    answers = {key(questions["lunch"]): True}

    refused = register(api, answers, role="raadslid", code="griffie")
    answers[key(questions["session"])] = option(questions["session"], "Ochtend")
    accepted = register(api, answers, role="raadslid", code="griffie")

    assert refused.json()["errors"] == {f"answers.{questions['session'].pk}": ["Deze vraag is verplicht."]}
    assert accepted.status_code == 201
    code.refresh_from_db()
    assert code.uses == 1
    assert stored(Registration.objects.get())["Welk griffiersoverleg?"] == "Ochtend"


def test_without_questions_of_the_event_a_registration_needs_no_answers(api, event, programme):
    assert register(api, {}).status_code == 201


def test_organisers_registering_someone_are_not_held_to_the_questions(event, questions):
    registration, _token = services.register(
        event=event,
        first_name="Laat",
        last_name="Toegevoegd",
        email="laat@x.example",
        role="griffier",
        organisation="Provincie",
        by_organiser=True,
    )
    assert registration.answers.count() == 0


def test_renaming_an_option_keeps_the_answers_given_to_it(api, questions):
    register(api, full_answers(questions), role="griffier")

    questions["session"].options.filter(label="Ochtend").update(label="Ochtendsessie")

    assert stored(Registration.objects.get())["Welk griffiersoverleg?"] == "Ochtendsessie"


# Delegations


def test_delegation_members_answer_per_member_with_errors_on_their_row(api, event, questions):
    member = {"first_name": "Raad", "email": "", "role": "raadslid"}
    payload = {
        "coordinator": {
            "first_name": "Griet",
            "last_name": "G",
            "email": "griffie@x.example",
            "role": "griffier",
        },
        "municipality": "GM0307",
        "attending": False,
        "members": [
            {**member, "last_name": "Een", "answers": {key(questions["lunch"]): True}},
            {**member, "last_name": "Twee", "answers": {key(questions["lunch"]): "ja"}},
            {**member, "last_name": "Drie"},  # answers left out: asked all the same
        ],
    }

    refused = post_json(api, "/api/v1/delegations", payload)
    payload["members"][1]["answers"] = {}
    also_refused = post_json(api, "/api/v1/delegations", payload)
    payload["members"][1]["answers"] = {key(questions["lunch"]): False}
    payload["members"][2]["answers"] = {key(questions["lunch"]): True}
    accepted = post_json(api, "/api/v1/delegations", payload)

    second, third = (f"members.{row}.answers.{questions['lunch'].pk}" for row in (1, 2))
    assert (refused.status_code, refused.json()["errors"]) == (
        422,
        {second: ["Antwoord met ja of nee."], third: ["Deze vraag is verplicht."]},
    )
    assert also_refused.json()["errors"] == {
        second: ["Deze vraag is verplicht."],
        third: ["Deze vraag is verplicht."],
    }
    assert accepted.status_code == 201
    answered = {
        registration.last_name: stored(registration) for registration in Registration.objects.order_by("pk")
    }
    assert answered == {
        "Een": {"Blijft u lunchen?": "ja"},
        "Twee": {"Blijft u lunchen?": "nee"},
        "Drie": {"Blijft u lunchen?": "ja"},
    }


# The registration page


def page_data(programme, **fields) -> dict:
    return {**registration_payload(), "privacy": "on", **fields}


def test_the_page_shows_the_questions_as_fields_with_their_notes(client, programme, questions):
    page = client.get("/aanmelden/").content.decode()

    session = questions["session"]
    assert '<h2 id="vragen">Vragen van de organisatie</h2>' in page
    assert '<div class="question" data-roles="griffier">' in page
    assert f'<fieldset class="field checkbox-group" id="id_answers.{session.pk}"' in page
    assert "<legend>Welk griffiersoverleg?</legend>" in page  # required: no "optional"
    assert "Alleen voor: Griffier." in page
    assert f'<input type="radio" name="answers.{session.pk}" value="{option(session, "Ochtend")}"' in page
    assert (
        f'<label for="id_answers.{questions["diet"].pk}">Dieetwensen <span class="muted">(niet verplicht)</span>'
        in page
    )
    assert f'name="answers.{questions["topics"].pk}"' in page and 'type="checkbox"' in page
    assert "Oude vraag" not in page
    assert page.index("Welk griffiersoverleg?") < page.index("Onderwerpen")


def test_the_page_registers_with_the_answers(client, programme, questions):
    topics = questions["topics"]
    response = client.post(
        "/aanmelden/",
        {
            **page_data(programme, role="griffier"),
            f"answers.{questions['diet'].pk}": "Halal",
            f"answers.{questions['lunch'].pk}": "no",
            f"answers.{questions['session'].pk}": option(questions["session"], "Middag"),
            f"answers.{topics.pk}": [option(topics, "Klimaat"), option(topics, "Wonen")],
        },
    )

    assert response.status_code == 302
    assert stored(Registration.objects.get()) == {
        "Dieetwensen": "Halal",
        "Blijft u lunchen?": "nee",
        "Welk griffiersoverleg?": "Middag",
        "Onderwerpen": "Wonen; Klimaat",
    }


def test_the_page_tells_a_missing_required_answer_at_its_field(client, programme, questions):
    response = client.post("/aanmelden/", {**page_data(programme, role="griffier")})

    assert response.status_code == 422
    page = response.content.decode()
    lunch = questions["lunch"]
    assert f'<a href="#id_answers.{lunch.pk}">Blijft u lunchen?: Deze vraag is verplicht.</a>' in page
    assert f'<p class="field-error" id="id_answers.{lunch.pk}_error">Deze vraag is verplicht.</p>' in page
    assert Registration.objects.count() == 0


# Where the answers go


def test_the_attendees_export_has_a_column_per_question(staff_client, api, questions):
    register(api, full_answers(questions), role="griffier")
    register(api, {key(questions["lunch"]): False}, email="ander@x.example", last_name="Zwart")

    response = staff_client.get("/dashboard/export/attendees.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-5:] == [
        "Dieetwensen",
        "Blijft u lunchen?",
        "Welk griffiersoverleg?",
        "Onderwerpen",
        "Oude vraag",
    ]
    assert [row[-5:] for row in rows[1:]] == [
        ["Vegetarisch", "ja", "Ochtend", "Wonen; Zorg", ""],
        ["", "nee", "", "", ""],
    ]


def test_the_personal_data_export_holds_the_answers(client, api, questions):
    register(api, full_answers(questions), role="griffier")
    registration = Registration.objects.get()

    data = client.get(f"/r/{registration.manage_token}/gegevens.json").json()

    assert [(item["question"], item["answer"], item["as_shown"]) for item in data["answers"]] == [
        ("Dieetwensen", "Vegetarisch", "Vegetarisch"),
        ("Blijft u lunchen?", True, "ja"),
        ("Welk griffiersoverleg?", option(questions["session"], "Ochtend"), "Ochtend"),
        (
            "Onderwerpen",
            [option(questions["topics"], "Wonen"), option(questions["topics"], "Zorg")],
            "Wonen; Zorg",
        ),
    ]


def test_erasure_removes_the_answers_and_their_choices(api, questions):
    register(api, full_answers(questions), role="griffier")
    register(api, {key(questions["lunch"]): True}, email="blijft@x.example")
    erased = Registration.objects.get(email="anna.1@amersfoort.example")
    chosen = QuestionAnswer.choices.through.objects

    removed = services.erase_registration(erased)

    assert removed["answers"] == 4
    assert QuestionAnswer.objects.filter(registration=erased).count() == 0
    assert chosen.count() == 0
    assert QuestionAnswer.objects.count() == 1  # the other person's


def test_the_admin_shows_a_registrations_answers_and_adds_questions_with_options(
    organiser_admin, api, event, questions
):
    register(api, full_answers(questions), role="griffier")
    registration = Registration.objects.get()

    page = organiser_admin.get(f"/admin/events/registration/{registration.pk}/change/").content.decode()
    added = organiser_admin.post(
        "/admin/events/registrationquestion/add/",
        {
            "event": event.pk,
            "text": "Komt u met de trein?",
            "kind": "choice",
            "roles": ["raadslid", "wethouder"],
            "position": 6,
            "active": "on",
            "options-TOTAL_FORMS": 2,
            "options-INITIAL_FORMS": 0,
            "options-0-label": "Ja",
            "options-0-position": 1,
            "options-1-label": "Nee",
            "options-1-position": 2,
        },
    )

    assert "Wonen; Zorg" in page and "Welk griffiersoverleg?" in page
    assert added.status_code == 302
    question = RegistrationQuestion.objects.get(text="Komt u met de trein?")
    assert (question.roles, [o.label for o in question.options.all()]) == (
        ["raadslid", "wethouder"],
        ["Ja", "Nee"],
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_questions_and_answers(api, questions, tmp_path):
    register(api, full_answers(questions), role="griffier")
    first = tmp_path / "first.json"
    call_command("export_event", "--output", str(first))

    call_command("flush", interactive=False)
    call_command("import_event", str(first))
    second = tmp_path / "second.json"
    call_command("export_event", "--output", str(second))

    exported = json.loads(first.read_text(encoding="utf-8"))
    assert [
        exported["counts"][f"events.{m}"]
        for m in ("registrationquestion", "questionoption", "questionanswer")
    ] == [
        5,
        5,
        4,
    ]
    assert json.loads(second.read_text(encoding="utf-8"))["objects"] == exported["objects"]
    assert stored(Registration.objects.get())["Onderwerpen"] == "Wonen; Zorg"


# Changing the answers through the private link


def test_the_private_link_shows_the_answers_and_changes_them(client, api, questions):
    register(api, full_answers(questions), role="raadslid")  # not asked the clerks' session
    registration = Registration.objects.get()
    lunch, topics = questions["lunch"], questions["topics"]

    manage = client.get(f"/r/{registration.manage_token}/").content.decode()
    form = client.get(f"/r/{registration.manage_token}/antwoorden/").content.decode()
    changed = client.post(
        f"/r/{registration.manage_token}/antwoorden/",
        {f"answers.{lunch.pk}": "no", f"answers.{topics.pk}": [option(topics, "Klimaat")]},
    )

    assert "<dt>Blijft u lunchen?</dt><dd>ja</dd>" in manage
    assert f'href="/r/{registration.manage_token}/antwoorden/"' in manage
    assert "Welk griffiersoverleg?" not in form
    assert (
        f'<input type="radio" name="answers.{lunch.pk}" value="yes" id="id_answers.{lunch.pk}_0" checked>'
        in form
    )
    assert 'value="Vegetarisch"' in form
    assert (changed.status_code, changed["Location"]) == (
        302,
        f"/r/{registration.manage_token}/?antwoorden=1#antwoorden",
    )
    assert stored(registration) == {"Blijft u lunchen?": "nee", "Onderwerpen": "Klimaat"}
    assert trail(action="registration.answers_changed")[0][4] == {}  # what they say stays out of the trail
    assert AuditEntry.objects.get(action="registration.answers_changed").data == {"answers": 2}


def test_a_change_without_a_required_answer_keeps_the_old_answers(client, api, questions):
    register(api, full_answers(questions), role="griffier")
    registration = Registration.objects.get()

    response = client.post(f"/r/{registration.manage_token}/antwoorden/", {})

    assert response.status_code == 422
    assert "Deze vraag is verplicht." in response.content.decode()
    assert stored(registration)["Blijft u lunchen?"] == "ja"
