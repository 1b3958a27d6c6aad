"""The attendee directory: opt-in only, never an e-mail address, only for listed attendees and
staff; the directory profile at registration and later; suggestions of people to meet."""

import json

import pytest
from channels.testing import WebsocketCommunicator

from events.models import Municipality, Registration
from networking.models import DirectoryProfile
from tests.factories import attendee, registration_payload
from tests.support import post_json

COUNCIL = "krachtige-gemeenteraad"
RESIDENTS = "inwoners-betrekken"
SCALING = "opschalen-uitbreiden"


@pytest.fixture
def people(event, municipalities) -> dict:
    """Anna and Bram are listed; Carla never opted in; Dirk opted in and left again."""
    anna = attendee(
        event,
        "Anna Listed",
        municipality=municipalities["GM0307"],
        interests=[COUNCIL, RESIDENTS],
        talk_about="Burgerberaden",
    )
    bram = attendee(
        event, "Bram Listed", municipality=municipalities["GM0363"], role="griffier", interests=[RESIDENTS]
    )
    carla = attendee(
        event, "Carla Hidden", municipality=municipalities["GM0599"], opt_in=False, interests=[RESIDENTS]
    )
    dirk = attendee(event, "Dirk Left", municipality=municipalities["GM0080"], interests=[RESIDENTS])
    return {"anna": anna, "bram": bram, "carla": carla, "dirk": dirk}


def profile_of(registration: Registration) -> DirectoryProfile:
    return DirectoryProfile.objects.get(registration=registration)


def leave(client, token):
    return client.post(f"/r/{token}/netwerken/", {"interests": [RESIDENTS]})


def names_in(text: str) -> set[str]:
    return {name for name in ("Anna Listed", "Bram Listed", "Carla Hidden", "Dirk Left") if name in text}


HIDDEN = {"Carla Hidden", "Dirk Left"}


def test_attendee_page_lists_only_listed_people_without_email(client, people):
    leave(client, people["dirk"][1])
    response = client.get(f"/r/{people['anna'][1]}/deelnemers/")
    html = response.content.decode()

    assert response.status_code == 200
    assert names_in(html) == {"Bram Listed"}  # not herself, not the hidden ones
    assert "@example.org" not in html
    assert "no-store" in response["Cache-Control"]


def test_attendees_who_are_not_listed_do_not_see_the_directory(client, people):
    leave(client, people["dirk"][1])
    for token in (people["carla"][1], people["dirk"][1]):
        html = client.get(f"/r/{token}/deelnemers/").content.decode()
        assert names_in(html) == set()
        assert "Zet uzelf erin om te zien wie er nog meer in staan." in html


def test_unknown_token_is_404(client, people):
    assert client.get("/r/onbekend-token/deelnemers/").status_code == 404
    assert client.get("/api/v1/registrations/onbekend-token/directory").status_code == 404


def test_staff_page_lists_listed_people_and_anonymous_visitors_are_sent_to_login(
    client, staff_client, people
):
    leave(client, people["dirk"][1])
    html = staff_client.get("/netwerk/deelnemers/").content.decode()
    assert names_in(html) == {"Anna Listed", "Bram Listed"}
    assert "@example.org" not in html

    anonymous = client.get("/netwerk/deelnemers/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")


def test_api_for_an_attendee(api, people):
    leave(api, people["dirk"][1])
    response = api.get(f"/api/v1/registrations/{people['anna'][1]}/directory")

    assert response.status_code == 200
    body = response.json()
    assert [entry["name"] for entry in body["attendees"]] == ["Bram Listed"]
    assert [entry["name"] for entry in body["suggestions"]] == ["Bram Listed"]
    assert body["attendees"][0] == {
        "id": people["bram"][0].pk,
        "name": "Bram Listed",
        "role": "griffier",
        "role_label": "Griffier",
        "municipality": "Amsterdam",
        "province": "Noord-Holland",
        "interests": [RESIDENTS],
        "interest_labels": ["Inwoners betrekken"],
        "talk_about": "",
        "reasons": [],
    }
    assert "@" not in json.dumps(body)
    assert names_in(json.dumps(body)).isdisjoint(HIDDEN)


def test_api_refuses_attendees_who_are_not_listed(api, people):
    response = api.get(f"/api/v1/registrations/{people['carla'][1]}/directory")

    assert response.status_code == 403
    assert response.json()["code"] == "not_in_directory"
    assert "Anna" not in response.content.decode()


def test_staff_api_needs_a_staff_session(api, staff_client, people):
    assert api.get("/api/v1/directory").status_code == 401
    body = staff_client.get("/api/v1/directory").json()
    assert [entry["name"] for entry in body["attendees"]] == [
        "Dirk Left",
        "Anna Listed",
        "Bram Listed",
    ]  # by last name
    assert body["suggestions"] == []


def test_filters_by_role_province_and_interest(api, staff_client, people):
    def names(query):
        return [e["name"] for e in staff_client.get(f"/api/v1/directory?{query}").json()["attendees"]]

    assert names("role=griffier") == ["Bram Listed"]
    assert names("province=Utrecht") == ["Anna Listed"]
    assert names(f"interest={COUNCIL}") == ["Anna Listed"]
    assert names(f"interest={RESIDENTS}&role=raadslid") == ["Dirk Left", "Anna Listed"]
    bad = staff_client.get("/api/v1/directory?interest=taart")
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["interest"]

    html = staff_client.get("/netwerk/deelnemers/?role=griffier&province=&interest=").content.decode()
    assert names_in(html) == {"Bram Listed"}


def test_public_network_pages_and_socket_show_no_attendees(client, people, offers):
    for path in ("/netwerk/", "/netwerk/muur/", "/api/v1/offers", "/"):
        assert names_in(client.get(path).content.decode()) == set(), path


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_network_socket_snapshot_shows_no_attendees(people, offers):
    from config.asgi import application

    communicator = WebsocketCommunicator(
        application, "/ws/netwerk/", headers=[(b"host", b"localhost"), (b"origin", b"http://localhost")]
    )
    await communicator.connect()
    snapshot = await communicator.receive_json_from(timeout=5)
    assert names_in(json.dumps(snapshot)) == set()
    await communicator.disconnect()


def test_leaving_hides_at_once_and_joining_again_shows(client, people):
    anna_token = people["anna"][1]
    bram = people["bram"][0]

    joined_at = profile_of(bram).joined_at
    response = client.post(f"/r/{people['bram'][1]}/netwerken/", {"talk_about": "Raadsbrieven"})
    assert response.status_code == 302
    assert response["Location"] == f"/r/{people['bram'][1]}/?netwerk=opgeslagen#netwerken"
    profile = profile_of(bram)
    # The consent record keeps when it was given and says when it was withdrawn; the profile goes.
    assert (profile.listed, profile.joined_at, profile.interests, profile.talk_about) == (
        False,
        joined_at,
        [],
        "",
    )
    assert profile.left_at > joined_at
    assert "Bram Listed" not in client.get(f"/r/{anna_token}/deelnemers/").content.decode()

    client.post(
        f"/r/{people['bram'][1]}/netwerken/",
        {"directory_opt_in": "on", "interests": [SCALING], "talk_about": "  Raads  brieven "},
    )
    profile = profile_of(bram)
    assert (profile.listed, profile.interests, profile.talk_about) == (True, [SCALING], "Raads brieven")
    assert profile.joined_at > profile.left_at
    assert "Bram Listed" in client.get(f"/r/{anna_token}/deelnemers/").content.decode()


def test_profile_form_rejects_unknown_themes_and_stores_nothing(client, people):
    anna, token = people["anna"]

    response = client.post(f"/r/{token}/netwerken/", {"directory_opt_in": "on", "interests": ["taart"]})

    assert response.status_code == 422
    assert "taart" in response.content.decode()
    assert profile_of(anna).interests == [COUNCIL, RESIDENTS]


def test_my_page_shows_the_profile_form_filled_in(client, people):
    html = client.get(f"/r/{people['anna'][1]}/").content.decode()

    assert 'id="netwerken"' in html
    assert f'action="/r/{people["anna"][1]}/netwerken/"' in html
    assert 'value="krachtige-gemeenteraad" id="id_network_interests_0" checked' in html
    assert 'value="Burgerberaden"' in html
    assert f'src="/r/{people["anna"][1]}/netwerken/verbindcode.svg"' in html


def test_suggestions_prefer_shared_interests_then_similar_municipalities(event, municipalities, api):
    Municipality.objects.filter(code="GM0307").update(population=160_000)  # Amersfoort, Utrecht
    utrecht_peer = Municipality.objects.create(
        code="GM0344", name="Utrecht", province="Utrecht", population=370_000
    )
    similar = Municipality.objects.create(
        code="GM0200", name="Apeldoorn", province="Gelderland", population=165_000
    )
    unknown = Municipality.objects.create(code="GM0321", name="Houten", province="Utrecht")

    _me, token = attendee(
        event, "Anna Zoekt", municipality=municipalities["GM0307"], interests=[COUNCIL, RESIDENTS]
    )
    attendee(event, "Collega Zelfde", municipality=municipalities["GM0307"], interests=[COUNCIL, RESIDENTS])
    attendee(event, "Bram Interesse", municipality=municipalities["GM0080"], interests=[COUNCIL, RESIDENTS])
    attendee(event, "Eva Grootte", municipality=similar, interests=[SCALING])
    attendee(event, "Fleur Provincie", municipality=unknown, interests=[SCALING])
    attendee(event, "Gijs Utrecht", municipality=utrecht_peer, interests=[])
    attendee(event, "Hans Niets", municipality=municipalities["GM0599"], interests=[SCALING])
    attendee(
        event, "Ilse Verborgen", municipality=municipalities["GM0080"], interests=[COUNCIL], opt_in=False
    )

    suggestions = api.get(f"/api/v1/registrations/{token}/directory").json()["suggestions"]

    assert [(s["name"], s["reasons"]) for s in suggestions] == [
        ("Bram Interesse", ["Gedeelde interesses: Krachtige, verbindende gemeenteraad, Inwoners betrekken"]),
        ("Eva Grootte", ["Een gemeente van vergelijkbare grootte"]),
        ("Fleur Provincie", ["Ook uit Utrecht"]),
        ("Gijs Utrecht", ["Ook uit Utrecht"]),
    ]


def test_registration_form_and_api_take_interests(client, api, programme):
    response = post_json(
        api,
        "/api/v1/registrations",
        registration_payload(directory_opt_in=True, interests=[COUNCIL, SCALING], talk_about="Raadsenquêtes"),
    )
    assert response.status_code == 201
    token = response.json()["manage_url"].rstrip("/").rsplit("/", 1)[1]
    detail = api.get(f"/api/v1/registrations/{token}").json()
    assert (detail["interests"], detail["talk_about"]) == ([COUNCIL, SCALING], "Raadsenquêtes")

    bad = post_json(api, "/api/v1/registrations", registration_payload(n=2, interests=["taart"]))
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["interests"]
    too_long = post_json(api, "/api/v1/registrations", registration_payload(n=3, talk_about="x" * 201))
    assert too_long.status_code == 422 and list(too_long.json()["errors"]) == ["talk_about"]
    assert Registration.objects.count() == 1

    html = client.get("/aanmelden/").content.decode()
    assert html.count('name="interests"') == 6
    assert 'name="talk_about"' in html
    client.post(
        "/aanmelden/",
        {
            "first_name": "Vera",
            "last_name": "Vorm",
            "email": "vera@example.org",
            "role": "raadslid",
            "municipality": "GM0599",
            "directory_opt_in": "on",
            "interests": [RESIDENTS],
            "talk_about": "Wijkraden",
            "privacy": "on",
        },
    )
    vera = profile_of(Registration.objects.get(email="vera@example.org"))
    assert (vera.listed, vera.interests, vera.talk_about) == (True, [RESIDENTS], "Wijkraden")


def test_organiser_takes_someone_out_of_the_directory_in_the_admin(client, people, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    anna = profile_of(people["anna"][0])

    page = client.get("/admin/networking/directoryprofile/")
    assert page.status_code == 200
    assert "Anna" in page.content.decode()
    response = client.post(
        "/admin/networking/directoryprofile/",
        {"action": "remove_from_directory", "_selected_action": [anna.pk]},
    )

    assert response.status_code == 302
    profile = profile_of(people["anna"][0])
    # As if she left herself: hidden at once, the consent record says when.
    assert (profile.listed, profile.interests, profile.talk_about) == (False, [], "")
    assert (profile.joined_at, profile.left_at > anna.joined_at) == (anna.joined_at, True)
    assert "Anna Listed" not in client.get(f"/r/{people['bram'][1]}/deelnemers/").content.decode()
