"""The registration desk prints badges on arrival; badges are reprinted (counted, audited) and
reissued when lost, after which the old QR scans as `replaced` (issue 15, "Badges printed on arrival")."""

from datetime import datetime

import pytest
from django.test import Client

from checkin.errors import CheckinError
from checkin.models import BadgePrint, CheckIn, Device, Scan
from checkin.services import (
    check_in_and_print,
    create_device,
    new_pairing_code,
    redeem,
    reissue_badge,
    reprint_badge,
    walk_in,
)
from events import services as event_services
from events.errors import RegistrationError
from events.models import AuditEntry
from tests.concurrency import race
from tests.support import paired_browser, post_json, requires_postgres, trail


@pytest.fixture
def desk(event):
    return create_device(event=event, name="Balie 1", kind=Device.Kind.DESK)[0]


@pytest.fixture
def person(make_attendee, programme):
    return make_attendee(1, programme["raad"], programme["digital"])


@pytest.fixture
def desk_browser(desk) -> Client:
    return paired_browser(desk)


def desk_post(browser: Client, path: str, data: dict):
    browser.get("/balie/")
    return browser.post(path, {**data, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value})


def test_a_scan_at_the_desk_checks_in_and_prints_once(event, desk, person):
    first = check_in_and_print(event=event, code=person.badge_secret, layout="62mm", device=desk)
    again = check_in_and_print(event=event, code=f"DLD1:{person.badge_secret}", layout="card", device=desk)

    assert (first.scan.status, first.printed.layout, first.printed.reprint, first.printed_before) == (
        "ok",
        "62mm",
        False,
        None,
    )
    assert (again.scan.status, again.printed, again.printed_before) == (
        "already_checked_in",
        None,
        first.printed,
    )
    assert CheckIn.objects.filter(registration=person, workshop=None).count() == 1
    assert BadgePrint.objects.filter(registration=person).count() == 1


def test_a_typed_reference_works_like_the_badge_and_someone_already_in_gets_their_first_print(
    event, desk, person
):
    redeem(event=event, secret=person.badge_secret)  # checked in at the entrance scanner, no badge yet

    answer = check_in_and_print(event=event, code=person.reference.lower(), layout="a6", device=desk)

    assert (answer.scan.status, answer.printed.layout) == ("already_checked_in", "a6")


@pytest.mark.parametrize(
    ("code", "layout", "error"),
    [("", "62mm", "code_required"), ("   ", "62mm", "code_required"), ("X", "A4", "unknown_layout")],
)
def test_bad_desk_input_is_refused_and_nothing_is_stored(event, desk, person, code, layout, error):
    with pytest.raises(CheckinError) as raised:
        check_in_and_print(event=event, code=code, layout=layout, device=desk)

    assert (raised.value.code, raised.value.status) == (error, 422)
    assert (Scan.objects.count(), BadgePrint.objects.count()) == (0, 0)


def test_unknown_and_cancelled_badges_print_nothing(event, desk, person, make_attendee):
    gone = make_attendee(2)
    event_services.cancel_registration(gone)

    unknown = check_in_and_print(event=event, code="DLD1:" + "A" * 32, layout="62mm", device=desk)
    cancelled = check_in_and_print(event=event, code=gone.badge_secret, layout="62mm", device=desk)

    assert [(unknown.scan.status, unknown.printed), (cancelled.scan.status, cancelled.printed)] == [
        ("unknown", None),
        ("cancelled", None),
    ]
    assert BadgePrint.objects.count() == 0


def test_reprints_are_counted_and_in_the_audit_trail(event, desk, person):
    check_in_and_print(event=event, code=person.badge_secret, layout="62mm", device=desk)

    reprint_badge(person, layout="62mm", device=desk)
    reprint_badge(person, layout="card", device=desk)

    assert list(
        BadgePrint.objects.filter(registration=person).order_by("pk").values_list("reprint", "layout")
    ) == [
        (False, "62mm"),
        (True, "62mm"),
        (True, "card"),
    ]
    assert [entry.data for entry in AuditEntry.objects.filter(action="badge.reprinted").order_by("pk")] == [
        {"reprints": 1, "layout": "62mm"},
        {"reprints": 2, "layout": "card"},
    ]


def test_a_cancelled_registration_is_not_reprinted(event, desk, person):
    event_services.cancel_registration(person)
    with pytest.raises(RegistrationError):
        reprint_badge(person, layout="62mm", device=desk)
    assert BadgePrint.objects.count() == 0


def test_reissue_badge_contract(event, person, api, scanner_headers):
    old_secret = person.badge_secret
    before = api.get(f"/api/v1/registrations/{person.manage_token}").json()["badge_url"]

    answer = post_json(api, f"/api/v1/registrations/{person.manage_token}/reissue-badge", {})

    person.refresh_from_db()
    replaced = person.replaced_badges.get()
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "reference": person.reference,
            "badge_url": f"http://testserver/badge/{person.badge_token}.svg",
            "reissued_at": answer.json()["reissued_at"],
        },
    )
    # The API writes times to the millisecond.
    assert datetime.fromisoformat(answer.json()["reissued_at"]) == replaced.replaced_at.replace(
        microsecond=replaced.replaced_at.microsecond // 1000 * 1000
    )
    assert person.badge_secret != old_secret
    assert api.get(before.removeprefix("http://testserver")).status_code == 404
    assert api.get(f"/badge/{person.badge_token}.svg").status_code == 200
    assert (
        api.get(f"/api/v1/registrations/{person.manage_token}").json()["badge_url"]
        == answer.json()["badge_url"]
    )

    old_scan = post_json(api, "/api/v1/checkin/redeem", {"secret": old_secret}, **scanner_headers).json()
    assert (
        old_scan["status"],
        old_scan["attendee"]["name"],
        old_scan["checked_in_at"],
        old_scan["replaced_at"],
    ) == (
        "replaced",
        person.full_name,
        None,
        answer.json()["reissued_at"],
    )
    new_scan = post_json(api, "/api/v1/checkin/redeem", {"secret": person.badge_secret}, **scanner_headers)
    assert (new_scan.json()["status"], new_scan.json()["replaced_at"]) == ("ok", None)
    assert [action for action, *_rest in trail(action="badge.reissued")] == ["badge.reissued"]


def test_reissue_badge_bad_input(event, person, api, make_attendee):
    gone = make_attendee(2)
    event_services.cancel_registration(gone)

    unknown = post_json(api, f"/api/v1/registrations/{'x' * 43}/reissue-badge", {})
    cancelled = post_json(api, f"/api/v1/registrations/{gone.manage_token}/reissue-badge", {})
    foreign = post_json(
        api,
        f"/api/v1/registrations/{person.manage_token}/reissue-badge",
        {},
        HTTP_ORIGIN="https://evil.example",
    )

    assert [(r.status_code, r.json()["code"]) for r in (unknown, cancelled, foreign)] == [
        (404, "not_found"),
        (409, "registration_cancelled"),
        (403, "foreign_origin"),
    ]
    person.refresh_from_db()
    assert person.replaced_badges.count() == 0


def test_a_badge_reissued_twice_scans_replaced_for_both_old_ones(event, person):
    first_secret = person.badge_secret
    second_secret = reissue_badge(person).registration.badge_secret
    third_secret = reissue_badge(person).registration.badge_secret

    statuses = [
        redeem(event=event, secret=secret).status for secret in (first_secret, second_secret, third_secret)
    ]

    assert statuses == ["replaced", "replaced", "ok"]


def test_the_desk_page_prints_the_badge_with_the_first_workshop(desk_browser, person):
    page = desk_post(desk_browser, "/balie/", {"code": person.badge_secret, "layout": "card"})
    html = page.content.decode()

    assert page.status_code == 200
    assert "data-autoprint" in html
    assert "page-card.css" in html
    assert "Deelnemer 1" in html
    assert "Eerste workshop: 11:00 Sterke Raad, Zaal A" in " ".join(html.split())
    assert BadgePrint.objects.get(registration=person).device.name == "Balie 1"

    second = desk_post(desk_browser, "/balie/", {"code": person.reference, "layout": "card"}).content.decode()
    assert ("data-autoprint" in second, 'data-status="already_checked_in"' in second) == (False, True)


def test_the_desk_page_reprints_and_reissues(desk_browser, person):
    desk_post(desk_browser, "/balie/", {"code": person.badge_secret})
    old_secret = person.badge_secret

    reprinted = desk_post(desk_browser, "/balie/opnieuw/", {"reference": person.reference, "layout": "62mm"})
    reissued = desk_post(desk_browser, "/balie/opnieuw/", {"reference": person.reference, "new": "1"})
    unknown = desk_post(desk_browser, "/balie/opnieuw/", {"reference": "NOPE"})

    assert [r.status_code for r in (reprinted, reissued, unknown)] == [200, 200, 404]
    assert "data-autoprint" in reissued.content.decode()
    person.refresh_from_db()
    assert person.badge_secret != old_secret
    assert BadgePrint.objects.filter(registration=person, reprint=True).count() == 2
    assert [actor for _action, _obj, _door, actor, _changes in trail(action="badge.reprinted")] == [
        "Balie 1",
        "Balie 1",
    ]


def test_the_desk_page_is_for_paired_desks_and_organisers_only(event, person, staff_client):
    kiosk = create_device(event=event, name="Kiosk", kind=Device.Kind.KIOSK)[0]
    kiosk_browser = Client()
    _pairing, code = new_pairing_code(kiosk)
    kiosk_browser.get(f"/scan/koppel/{code}/")
    kiosk_browser.post(
        f"/scan/koppel/{code}/", {"csrfmiddlewaretoken": kiosk_browser.cookies["csrftoken"].value}
    )

    assert Client().get("/balie/").status_code == 302  # to the login
    assert kiosk_browser.get("/balie/").status_code == 302
    assert Client().post("/balie/", {"code": person.badge_secret}).status_code == 302
    assert staff_client.get("/balie/").status_code == 200
    assert Scan.objects.count() == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_scanning_one_person_at_once_check_in_and_print_once(event, person):
    desks = [create_device(event=event, name=f"Balie {i}", kind=Device.Kind.DESK)[0] for i in range(2)]

    answers = race(
        lambda i: check_in_and_print(event=event, code=person.badge_secret, layout="62mm", device=desks[i]), 2
    )

    assert sorted(answer.scan.status for answer in answers) == ["already_checked_in", "ok"]
    assert sorted((answer.printed is None, answer.printed_before is None) for answer in answers) == [
        (False, True),
        (True, False),
    ]
    assert (CheckIn.objects.count(), BadgePrint.objects.count()) == (1, 1)


def test_the_attendee_reissues_a_lost_badge_from_their_own_page(event, person):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/r/{person.manage_token}/")
    old_secret, old_image = person.badge_secret, f"/badge/{person.badge_token}.svg"
    assert "Ik ben mijn badge kwijt" in page.content.decode()

    refused = browser.post(f"/r/{person.manage_token}/badge-kwijt/")  # without the form's CSRF token
    answer = browser.post(
        f"/r/{person.manage_token}/badge-kwijt/", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    )

    person.refresh_from_db()
    assert (refused.status_code, answer.status_code, answer["Location"]) == (
        403,
        302,
        f"/r/{person.manage_token}/?nieuwe-badge=1#badge",
    )
    shown = browser.get(answer["Location"]).content.decode()
    assert (f"/badge/{person.badge_token}.svg" in shown, old_image in shown) == (True, False)
    assert "Uw oude badge werkt niet meer" in shown
    assert redeem(event=event, secret=old_secret).status == "replaced"
    assert Client().post(f"/r/{'x' * 43}/badge-kwijt/").status_code == 404


def walk_in_data(**overrides) -> dict:
    return {
        "first_name": "Sanne",
        "last_name": "Inloop",
        "email": "sanne@inloop.example",
        "role": "raadslid",
        "municipality": "GM0307",
        "organisation": "",
        "layout": "card",
        **overrides,
    }


def test_a_walk_in_is_registered_checked_in_and_printed_in_one_step(desk_browser, event):
    page = desk_post(desk_browser, "/balie/inloop/", walk_in_data())

    registration = event.registrations.get(email="sanne@inloop.example")
    html = page.content.decode()
    assert (page.status_code, "data-autoprint" in html, "Sanne Inloop" in html) == (200, True, True)
    assert registration.address_verified  # standing at the desk
    assert CheckIn.objects.filter(registration=registration, workshop=None).count() == 1
    assert list(BadgePrint.objects.filter(registration=registration).values_list("layout", "reprint")) == [
        ("card", False)
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"email": "geen-adres"}, "email"),
        ({"role": "keizer"}, "role"),
        ({"municipality": "GM9999"}, "municipality"),
        ({"municipality": "", "organisation": ""}, "organisation"),
    ],
)
def test_a_walk_in_with_bad_input_is_refused_and_nothing_is_stored(desk_browser, event, overrides, field):
    page = desk_post(desk_browser, "/balie/inloop/", walk_in_data(**overrides))

    assert page.status_code == 422
    assert f'id="walk-in-{field}_error"' in page.content.decode()
    assert (event.registrations.count(), CheckIn.objects.count(), BadgePrint.objects.count()) == (0, 0, 0)


def test_a_walk_in_refused_at_printing_leaves_no_registration(event, desk):
    with pytest.raises(CheckinError) as refused:
        walk_in(
            event=event,
            layout="A4",
            proven=True,
            language="nl",
            device=desk,
            first_name="Sanne",
            last_name="Inloop",
            email="sanne@inloop.example",
            role="raadslid",
            organisation="Provincie Utrecht",
        )

    assert refused.value.code == "unknown_layout"
    assert (event.registrations.count(), CheckIn.objects.count(), BadgePrint.objects.count()) == (0, 0, 0)


def test_the_personal_data_export_lists_badge_prints_and_replaced_badges(event, desk, person, api):
    check_in_and_print(event=event, code=person.badge_secret, layout="62mm", device=desk)
    reprint_badge(person, layout="a6", device=desk)
    reissue_badge(person)

    data = api.get(f"/api/v1/registrations/{person.manage_token}/export").json()

    assert [(p["layout"], p["reprint"], p["desk"]) for p in data["badge_prints"]] == [
        ("62mm", False, "Balie 1"),
        ("a6", True, "Balie 1"),
    ]
    assert len(data["badges_replaced_at"]) == 1
