"""The organisers' webhooks page (issue 19, "and the same in the dashboard"): register an
endpoint with its secret shown once, see each endpoint's state and last delivery, switch on again
one that was switched off; bad input is 422 with nothing stored; staff only."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import webhooks
from events.models import WebhookDelivery, WebhookEndpoint

PAGE = "/dashboard/webhooks/"


def test_an_organiser_registers_an_endpoint_and_sees_its_secret_once(organiser_admin, event):
    response = organiser_admin.post(
        PAGE, {"url": "https://crm.example/dld", "events": ["registration.created", "check_in.created"]}
    )

    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.event, endpoint.url, endpoint.events) == (
        event,
        "https://crm.example/dld",
        ["check_in.created", "registration.created"],
    )
    assert endpoint.secret in response.content.decode()
    later = organiser_admin.get(PAGE).content.decode()
    assert ("https://crm.example/dld" in later, endpoint.secret in later) == (True, False)


def test_bad_input_is_422_and_stores_nothing(organiser_admin, event, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    plain_http = organiser_admin.post(
        PAGE, {"url": "http://crm.example/dld", "events": ["registration.created"]}
    )
    no_events = organiser_admin.post(PAGE, {"url": "https://crm.example/dld"})
    unknown = organiser_admin.post(PAGE, {"url": "https://crm.example/dld", "events": ["iets.anders"]})

    assert [plain_http.status_code, no_events.status_code, unknown.status_code] == [422, 422, 422]
    assert "Geef een https-adres op." in plain_http.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_a_switched_off_endpoint_is_switched_on_again_from_the_page(organiser_admin, event):
    endpoint, _secret = webhooks.register(
        event, url="https://crm.example/dld", events=["registration.created"]
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(disabled_at=timezone.now(), failures_in_a_row=20)
    assert "Weer aanzetten" in organiser_admin.get(PAGE).content.decode()

    response = organiser_admin.post(f"{PAGE}{endpoint.pk}/aan/")

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.disabled_at, endpoint.failures_in_a_row) == (None, 0)


def test_the_page_is_for_organisers_only(client, event):
    assert client.get(PAGE).status_code == 302
    assert (
        client.post(PAGE, {"url": "https://crm.example/dld", "events": ["registration.created"]}).status_code
        == 302
    )
    assert WebhookEndpoint.objects.count() == 0


def _endpoint_with_deliveries(event, n: int, statuses: list[int]) -> WebhookEndpoint:
    endpoint, _secret = webhooks.register(
        event, url=f"https://crm{n}.example/dld", events=["registration.created"]
    )
    for status in statuses:
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_type="registration.created",
            body="{}",
            last_status=status,
            attempts=1,
            last_attempt_at=timezone.now(),
        )
    return endpoint


def test_each_endpoint_shows_its_last_delivery_in_the_same_number_of_queries(organiser_admin, event):
    _endpoint_with_deliveries(event, 1, [500, 201])
    organiser_admin.get(PAGE)  # the session, the event and the translations warmed up
    with CaptureQueriesContext(connection) as one:
        organiser_admin.get(PAGE)
    for n in range(2, 6):
        _endpoint_with_deliveries(event, n, [201] * 20 + [410 + n])
    with CaptureQueriesContext(connection) as five:
        page = organiser_admin.get(PAGE).content.decode()

    assert len(five.captured_queries) == len(one.captured_queries)
    assert [f"{410 + n}" in page for n in range(2, 6)] == [True] * 4
