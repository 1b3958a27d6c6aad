"""GET /api/v1/checkin/list is built at most once per OFFLINE_LIST_MAX_AGE_SECONDS in a process and
shared by the phones that ask meanwhile: twenty phones that started together ask in one wave, and
twenty builds of 700 people held up the scans queued behind them. Its ETag leaves `generated_at`
out: a phone whose list is still current gets 304 without the list."""

import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils.http import parse_http_date
from ninja.responses import NinjaJSONEncoder

from checkin.selectors import offline_list
from events.models import Event
from tests.support import post_json

LIST = "/api/v1/checkin/list"


def listed(client: Client, headers: dict) -> dict:
    response = client.get(LIST, **headers)
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    return response.json()


@pytest.mark.django_db
def test_a_phone_asking_within_the_age_gets_the_same_list(api, scanner_headers, make_attendee, settings):
    settings.OFFLINE_LIST_MAX_AGE_SECONDS = 60
    attendee = make_attendee(1)
    first = listed(api, scanner_headers)
    scanned = post_json(api, "/api/v1/checkin/redeem", {"secret": attendee.badge_secret}, **scanner_headers)
    assert scanned.json()["status"] == "ok"

    again = listed(api, scanner_headers)
    assert (again["generated_at"], again["people"][0]["checked_in"]) == (first["generated_at"], False)

    settings.OFFLINE_LIST_MAX_AGE_SECONDS = 0  # as once the age has passed
    fresh = listed(api, scanner_headers)
    assert fresh["generated_at"] != first["generated_at"]
    assert (fresh["people"][0]["checked_in"], fresh["people"][0]["checked_in_at"]) == (
        True,
        scanned.json()["checked_in_at"],
    )


@pytest.mark.django_db(transaction=True)
def test_a_wave_of_phones_shares_one_build(scanner_headers, make_attendee, settings):
    settings.OFFLINE_LIST_MAX_AGE_SECONDS = 60
    for n in range(1, 31):
        make_attendee(n)
    barrier = threading.Barrier(10)
    answers: list[str] = []

    def phone() -> None:
        try:
            barrier.wait()
            answers.append(listed(Client(), scanner_headers)["generated_at"])
        finally:
            connection.close()

    phones = [threading.Thread(target=phone) for _ in range(10)]
    for one in phones:
        one.start()
    for one in phones:
        one.join()

    assert (len(answers), len(set(answers))) == (10, 1)


@pytest.mark.django_db
def test_a_phone_whose_list_is_current_gets_304_without_it_until_something_changes(
    api, scanner_headers, make_attendee, settings
):
    settings.OFFLINE_LIST_MAX_AGE_SECONDS = 0  # every request builds the list anew
    attendee = make_attendee(1)
    first = api.get(LIST, **scanner_headers)
    tag = first["ETag"]
    assert (tag.startswith('W/"'), first["Cache-Control"]) == (True, "private, no-cache")

    # Built again (a new `generated_at`), the same people: not modified.
    unchanged = api.get(LIST, HTTP_IF_NONE_MATCH=tag, **scanner_headers)
    assert (unchanged.status_code, unchanged.content, unchanged["ETag"], unchanged["Cache-Control"]) == (
        304,
        b"",
        tag,
        "private, no-cache",
    )
    # The phone shows the list as current from the server's time, not its own clock's.
    assert abs(parse_http_date(unchanged["Date"]) - time.time()) < 5
    other_tag = api.get(LIST, HTTP_IF_NONE_MATCH='W/"something-else"', **scanner_headers)
    assert (other_tag.status_code, other_tag["ETag"]) == (200, tag)

    post_json(api, "/api/v1/checkin/redeem", {"secret": attendee.badge_secret}, **scanner_headers)
    changed = api.get(LIST, HTTP_IF_NONE_MATCH=tag, **scanner_headers)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert changed.json()["people"][0]["checked_in"] is True
    # Unauthenticated: 401 as before, whatever the tag.
    assert api.get(LIST, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 401


@pytest.mark.django_db
def test_the_shared_body_is_the_list_with_generated_at_first(api, scanner_headers, make_attendee, programme):
    make_attendee(1)
    make_attendee(2)
    body = api.get(LIST, **scanner_headers).content
    sent = json.loads(body)
    expected = json.loads(json.dumps(offline_list(Event.objects.get()), cls=NinjaJSONEncoder))

    assert next(iter(sent)) == "generated_at"
    assert {key: value for key, value in sent.items() if key != "generated_at"} == {
        key: value for key, value in expected.items() if key != "generated_at"
    }
