"""Fair waitlists (issue 18): a municipality withdraws from an offer through its private link, the
API or an organiser, and the first on that offer's waitlist gets the place at once, with a mail."""

import pytest
from django.core import mail
from django.test import Client

from events.models import OutboundEmail
from networking import services
from networking.models import Signup
from tests.concurrency import race
from tests.factories import make_municipalities
from tests.support import post_json, requires_postgres, trail

URL = "/api/v1/signups"


def sign_up(api, code: str, email: str, offers=("ontwikkeltraject",)) -> dict:
    response = post_json(
        api,
        URL,
        {
            "municipality": code,
            "contact_name": f"Griffie {code}",
            "contact_email": email,
            "offers": list(offers),
        },
    )
    assert response.status_code == 201
    return response.json()


def token_of(body: dict) -> str:
    return body["manage_url"].rstrip("/").rsplit("/", 1)[1]


def places(slug: str = "ontwikkeltraject") -> list[tuple[str, str]]:
    return list(
        Signup.objects.filter(offer__slug=slug).order_by("pk").values_list("municipality__code", "status")
    )


@pytest.fixture
def one_place(offers):
    offers["ontwikkeltraject"].places = 1
    offers["ontwikkeltraject"].save()
    return offers


def test_withdrawing_through_the_api_gives_the_place_to_the_first_on_the_waitlist(
    api, one_place, municipalities, django_capture_on_commit_callbacks
):
    first = sign_up(api, "GM0307", "griffie@amersfoort.example")
    sign_up(api, "GM0363", "griffie@amsterdam.example")
    sign_up(api, "GM0599", "griffie@rotterdam.example")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"{URL}/{token_of(first)}/offers/ontwikkeltraject")

    assert response.status_code == 204
    assert places() == [("GM0363", "accepted"), ("GM0599", "waitlisted")]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["griffie@amsterdam.example"], "Een plek voor Amsterdam: Ontwikkeltraject")
    ]
    assert "Amsterdam stond als eerste op de wachtlijst" in mail.outbox[0].body
    assert [(action, obj) for action, obj, *_rest in trail() if action != "signup.created"] == [
        ("signup.withdrawn", "Amersfoort → Ontwikkeltraject"),
        ("signup.promoted", "Amsterdam → Ontwikkeltraject"),
    ]
    assert api.get("/api/v1/offers").json()[2]["taken"] == 1


def test_withdrawing_twice_or_with_a_bad_link_is_a_clear_404(api, one_place, municipalities):
    first = sign_up(api, "GM0307", "griffie@amersfoort.example", ["ontwikkeltraject", "quick-scan"])
    path = f"{URL}/{token_of(first)}/offers/ontwikkeltraject"
    assert api.delete(path).status_code == 204

    again = api.delete(path)
    unknown = api.delete(f"{URL}/onbekend/offers/ontwikkeltraject")
    not_held = api.delete(f"{URL}/{token_of(first)}/offers/raadsondersteuning")

    assert (again.status_code, again.json()["code"]) == (404, "not_signed_up")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_signup")
    assert (not_held.status_code, not_held.json()["code"]) == (404, "not_signed_up")
    assert places("quick-scan") == [("GM0307", "accepted")]  # the other offer stays


def test_a_further_contact_not_yet_accepted_cannot_withdraw(api, one_place, municipalities):
    sign_up(api, "GM0307", "griffie@amersfoort.example")
    post_json(
        api,
        URL,
        {
            "municipality": "GM0307",
            "contact_name": "Mallory",
            "contact_email": "mallory@evil.example",
            "offers": ["ontwikkeltraject"],
        },
    )
    token = OutboundEmail.objects.filter(to="mallory@evil.example").latest("pk").context["manage_token"]

    response = api.delete(f"{URL}/{token}/offers/ontwikkeltraject")

    assert (response.status_code, response.json()["code"]) == (403, "not_admitted")
    assert places() == [("GM0307", "accepted")]


def test_withdrawing_on_the_page_behind_the_link(api, one_place, municipalities):
    first = sign_up(api, "GM0307", "griffie@amersfoort.example", ["ontwikkeltraject", "quick-scan"])
    sign_up(api, "GM0363", "griffie@amsterdam.example")
    page = Client()
    manage = first["manage_url"].removeprefix("http://testserver")
    assert "Afmelden voor Ontwikkeltraject" in page.get(manage).content.decode()

    response = page.post(f"{manage}afmelden/ontwikkeltraject/")

    assert response.status_code == 200
    assert "Afgemeld voor Ontwikkeltraject" in response.content.decode()
    assert places() == [("GM0363", "accepted")]
    # The last offer: the page says so, and the link ends with it.
    last = page.post(f"{manage}afmelden/quick-scan/")
    assert last.status_code == 200 and "Afgemeld voor Quick Scan" in last.content.decode()
    assert page.get(manage).status_code == 404


def test_an_organiser_withdraws_for_the_municipality(api, one_place, municipalities, organiser_admin):
    sign_up(api, "GM0307", "griffie@amersfoort.example")
    sign_up(api, "GM0363", "griffie@amsterdam.example")

    organiser_admin.post(
        "/admin/networking/signup/",
        {"action": "withdraw", "_selected_action": [Signup.objects.get(municipality__code="GM0307").pk]},
    )

    assert places() == [("GM0363", "accepted")]
    assert [
        (action, actor) for action, _obj, _door, actor, _changes in trail() if action != "signup.created"
    ] == [
        ("signup.withdrawn", "organisator"),
        ("signup.promoted", "organisator"),
    ]


# Races on PostgreSQL: the offer's row lock makes "free the place, give it to the first waiting"
# one step that no new signup or other withdrawal can get between.


def _fill(event, offer, count: int, waiting: int) -> list:
    municipalities = make_municipalities(count + waiting + 10)
    signups = []
    for index, municipality in enumerate(municipalities[: count + waiting]):
        services.sign_up(
            event=event,
            municipality=municipality,
            contact_name=f"Contact {index}",
            contact_email=f"c{index}@race.example",
            offers=[offer],
        )
        signups.append(Signup.objects.get(offer=offer, municipality=municipality))
    return signups, municipalities[count + waiting :]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_five_withdrawals_at_once_give_five_places_in_waitlist_order(event, offers):
    track = offers["ontwikkeltraject"]
    signups, _rest = _fill(event, track, 10, 6)

    results = race(lambda index: services.withdraw(contact=None, signup=signups[index]), 5)

    assert [r for r in results if isinstance(r, Exception)] == []
    accepted = Signup.objects.filter(offer=track, status="accepted").order_by("pk")
    assert [s.pk for s in accepted] == [s.pk for s in signups[5:15]]  # 5 stayed, the first 5 waiting got in
    assert [s.pk for s in Signup.objects.filter(offer=track, status="waitlisted")] == [signups[15].pk]
    assert OutboundEmail.objects.filter(kind="networking_place_given").count() == 5


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_freed_place_goes_to_the_waitlist_not_to_a_newcomer_signing_up_at_that_moment(event, offers):
    track = offers["ontwikkeltraject"]
    signups, newcomers = _fill(event, track, 10, 1)
    waiting = signups[10]

    def act(index: int):
        if index == 0:
            return services.withdraw(contact=None, signup=signups[0])
        return services.sign_up(
            event=event,
            municipality=newcomers[index - 1],
            contact_name="Nieuw",
            contact_email=f"nieuw{index}@race.example",
            offers=[track],
        )

    results = race(act, 10)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Signup.objects.filter(offer=track, status="accepted").count() == 10
    assert Signup.objects.get(pk=waiting.pk).status == "accepted"
    assert Signup.objects.filter(offer=track, status="waitlisted").count() == 9


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_one_signup_withdrawn_twice_at_once_frees_one_place(event, offers):
    track = offers["ontwikkeltraject"]
    signups, _rest = _fill(event, track, 10, 2)

    results = race(lambda index: services.withdraw(contact=None, signup=signups[0]), 2)

    assert sorted(type(r).__name__ for r in results) == ["Signup", "SignupError"]
    assert Signup.objects.filter(offer=track, status="accepted").count() == 10
    assert Signup.objects.filter(offer=track, status="waitlisted").count() == 1
