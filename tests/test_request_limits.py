"""Oversized bodies are refused with 413 and a readable message: on the API (JSON) and on forms."""

import json

from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

TOO_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1


def test_an_oversized_json_body_is_413_with_a_json_message(event, api):
    body = json.dumps({"first_name": "x" * TOO_BIG})
    response = api.post("/api/v1/registrations", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Het verzoek is te groot.", "code": "too_large", "errors": {}}


def test_an_oversized_body_from_a_scanner_is_413(event, api, scanner_headers):
    body = json.dumps({"secret": "x" * TOO_BIG})
    response = api.post(
        "/api/v1/checkin/redeem", data=body, content_type="application/json", **scanner_headers
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_body_that_is_not_json_is_400_with_a_message(event, api):
    response = api.post("/api/v1/registrations", data="{nee", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "De inhoud van het verzoek is geen geldige JSON."


def test_an_oversized_form_post_is_413(event):
    """CSRF middleware reads the form first: the 413 comes from handler400, before any view."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    response = client.post("/aanmelden/", data={"csrfmiddlewaretoken": token, "first_name": "x" * TOO_BIG})
    assert response.status_code == 413
    assert "Het verzoek is te groot." in response.content.decode()


def test_the_api_documents_413_on_operations_with_a_body(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert sorted(schema["paths"]["/api/v1/registrations"]["post"]["responses"]) == [
        "201",
        "400",
        "403",
        "404",
        "409",
        "413",
        "415",
        "422",
        "429",
    ]
