"""PATCH /api/v1/registrations/{token} with `answers`: changed as at registration (422 on
`answers.<id>`), together with `workshops` or alone, and nothing half stored."""

import pytest

from events.models import AuditEntry, Booking, Registration, RegistrationQuestion
from tests.factories import registration_payload
from tests.support import post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def lunch(event) -> RegistrationQuestion:
    return RegistrationQuestion.objects.create(
        event=event,
        text="Blijft u lunchen?",
        kind=RegistrationQuestion.Kind.YES_NO,
        required=True,
        position=1,
    )


@pytest.fixture
def diet(event) -> RegistrationQuestion:
    return RegistrationQuestion.objects.create(
        event=event, text="Dieetwensen", kind=RegistrationQuestion.Kind.TEXT, position=2
    )


@pytest.fixture
def token(api, programme, lunch, diet) -> str:
    payload = registration_payload(
        workshops=[programme["raad"].pk], answers={str(lunch.pk): True, str(diet.pk): "Vegetarisch"}
    )
    body = post_json(api, "/api/v1/registrations", payload).json()
    return body["manage_url"].rstrip("/").rsplit("/", 1)[1]


def patch(client, token: str, data):
    return client.patch(f"/api/v1/registrations/{token}", data=data, content_type="application/json")


def stored() -> dict:
    return {answer.question.text: answer.display() for answer in Registration.objects.get().answers.all()}


def booked() -> list[int]:
    return list(Booking.objects.values_list("workshop_id", flat=True))


def test_answers_alone_change_and_leave_the_workshops(api, token, programme, lunch, diet):
    response = patch(api, token, {"answers": {str(lunch.pk): False}})

    assert response.status_code == 200
    assert stored() == {"Blijft u lunchen?": "nee"}  # the complete new set: the diet is cleared
    assert booked() == [programme["raad"].pk]
    assert list(
        AuditEntry.objects.filter(action="registration.answers_changed").values_list("data", flat=True)
    ) == [{"answers": 1}]
    assert not AuditEntry.objects.filter(action="registration.workshops_changed").exists()


def test_answers_and_workshops_change_together(api, token, programme, lunch, diet):
    response = patch(
        api,
        token,
        {"workshops": [programme["small"].pk], "answers": {str(lunch.pk): True, str(diet.pk): "Halal"}},
    )

    assert response.status_code == 200
    assert [workshop["id"] for workshop in response.json()["workshops"]] == [programme["small"].pk]
    assert stored() == {"Blijft u lunchen?": "ja", "Dieetwensen": "Halal"}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"lunch": "ja"}, "Antwoord met ja of nee."),
        ({"diet": "Vegetarisch"}, "Deze vraag is verplicht."),  # the required lunch left out
    ],
)
def test_a_bad_answer_beside_a_valid_workshop_change_changes_nothing(
    api, token, programme, lunch, diet, answers, message
):
    questions = {"lunch": lunch, "diet": diet}
    body = {str(questions[name].pk): value for name, value in answers.items()}

    response = patch(api, token, {"workshops": [programme["small"].pk], "answers": body})

    field = f"answers.{lunch.pk}"
    assert (response.status_code, response.json()["errors"]) == (422, {field: [message]})
    assert booked() == [programme["raad"].pk]
    assert stored() == {"Blijft u lunchen?": "ja", "Dieetwensen": "Vegetarisch"}
    assert not AuditEntry.objects.filter(
        action__in=["registration.answers_changed", "registration.workshops_changed"]
    ).exists()


def test_an_unknown_question_is_a_422_on_its_field(api, token, programme, lunch):
    response = patch(api, token, {"answers": {str(lunch.pk): True, "999999": "x"}})

    assert (response.status_code, list(response.json()["errors"])) == (422, ["answers.999999"])


@pytest.mark.parametrize("body", [{}, {"workshops": None, "answers": None}])
def test_neither_workshops_nor_answers_is_a_422(api, token, programme, body):
    response = patch(api, token, body)

    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"__all__": ["Geef de workshops of de antwoorden die u wilt wijzigen."]},
    )
    assert booked() == [programme["raad"].pk]


def test_a_cancelled_registration_cannot_change_its_answers(api, token, lunch):
    api.delete(f"/api/v1/registrations/{token}")

    response = patch(api, token, {"answers": {str(lunch.pk): False}})

    assert (response.status_code, response.json()["code"]) == (409, "registration_cancelled")
    assert stored() == {"Blijft u lunchen?": "ja", "Dieetwensen": "Vegetarisch"}


def test_the_openapi_schema_declares_both_fields_optional(api):
    schema = api.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/registrations/{manage_token}"]["patch"]
    body = schema["components"]["schemas"]["RegistrationChangeIn"]
    assert operation["summary"] == "Change my workshops or my answers"
    assert "required" not in body
    assert sorted(body["properties"]) == ["answers", "workshops"]
    assert all(body["properties"][name]["description"] for name in ("answers", "workshops"))
