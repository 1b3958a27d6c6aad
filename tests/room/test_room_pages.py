"""The room's pages: the way in by code and private link, the voter's page, the screen (what
people typed shows as text), the moderator's pages and the organisers' overview."""

import json

import pytest

from events.room import services
from events.room.models import LiveRoom

XSS = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture
def raad(programme):
    return programme["raad"]


def test_the_screen_shows_questions_and_words_as_text(raad, make_attendee, client):
    anna = make_attendee(1)
    question = services.ask(anna, raad, text=XSS, show_name=True)
    services.moderate(question, "approve")
    poll = services.open_poll(services.create_poll(raad, question="Eén woord", kind="words"))
    services.vote(anna, poll, ["<b>vet</b>"])

    page = client.get(f"/zaal/{question.room.code}/scherm/").content.decode()

    assert "<script>window.pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x" in page
    assert "&lt;b&gt;vet&lt;/b&gt;" in page and "<b>vet</b>" not in page
    assert f"/zaal/{question.room.code}/" in page


def test_the_screen_shows_only_approved_questions(raad, make_attendee, client):
    anna = make_attendee(1)
    services.ask(anna, raad, text="Nog niet goedgekeurd", show_name=False)
    shown = services.moderate(services.ask(anna, raad, text="Goedgekeurd", show_name=False), "approve")

    page = client.get(f"/zaal/{shown.room.code}/scherm/").content.decode()

    assert ("Goedgekeurd" in page, "Nog niet goedgekeurd" in page) == (True, False)


def test_an_unknown_room_code_is_404(event, client):
    assert client.get("/zaal/ZZZZZ/").status_code == 404
    assert client.get("/zaal/ZZZZZ/scherm/").status_code == 404
    assert client.get("/zaal/?code=zzzzz").status_code == 404


def test_a_typed_code_leads_to_the_room(raad, client):
    room = services.room_for(raad)

    response = client.get(f"/zaal/?code={room.code.lower()}")

    assert (response.status_code, response["Location"]) == (302, f"/zaal/{room.code}/")


def test_the_session_page_asks_once_for_the_private_link(raad, make_attendee, client):
    anna = make_attendee(1)
    room = services.room_for(raad)

    first = client.get(f"/zaal/{room.code}/")
    wrong = client.post(f"/zaal/{room.code}/", {"link": "http://testserver/r/onbekend/"})
    pasted = client.post(f"/zaal/{room.code}/", {"link": f"http://testserver/r/{anna.manage_token}/"})
    later = client.get(f"/zaal/{room.code}/")

    assert first.status_code == 200 and "Uw persoonlijke link" in first.content.decode()
    assert wrong.status_code == 422
    voting_page = f"/r/{anna.manage_token}/zaal/{room.code}/"
    assert (pasted.status_code, pasted["Location"]) == (302, voting_page)
    assert (later.status_code, later["Location"]) == (302, voting_page)


def test_the_voting_page_remembers_the_phone_and_knows_my_votes(raad, make_attendee, client):
    anna = make_attendee(1)
    poll = services.open_poll(services.create_poll(raad, question="Hoe?", kind="scale"))
    services.vote(anna, poll, [4])
    room = poll.room

    page = client.get(f"/r/{anna.manage_token}/zaal/{room.code.lower()}/")
    data = json.loads(
        page.content.decode().split('id="room-data" type="application/json">')[1].split("</script>")[0]
    )

    assert page.status_code == 200
    assert data == {
        "room": room.code,
        "session": raad.pk,
        "token": anna.manage_token,
        "attending": True,
        "mine": {str(poll.pk): [4]},
        "upvoted": [],
    }
    assert client.get(f"/zaal/{room.code}/")["Location"] == f"/r/{anna.manage_token}/zaal/{room.code}/"


def test_the_attendee_page_has_the_way_into_a_room(raad, make_attendee, client):
    anna = make_attendee(1)
    room = services.room_for(raad)

    page = client.get(f"/r/{anna.manage_token}/").content.decode()
    found = client.get(f"/r/{anna.manage_token}/zaal/?code={room.code}")
    unknown = client.get(f"/r/{anna.manage_token}/zaal/?code=QQQQQ")

    assert "Peilingen en vragen in de zaal" in page
    assert found["Location"] == f"/r/{anna.manage_token}/zaal/{room.code}/"
    assert unknown["Location"] == f"/r/{anna.manage_token}/?zaalcode=onbekend#zaal"


def test_the_moderator_page_opens_with_its_link_only(raad, client):
    room, token = services.new_moderator_token(raad)

    page = client.get(f"/zaal/moderator/{token}/")

    assert page.status_code == 200
    assert f'"token": "{token}"' in page.content.decode()
    assert client.get("/zaal/moderator/onbekend/").status_code == 404
    assert client.get(f"/zaal/{room.code}/moderator/").status_code == 302  # to the login


def test_organisers_see_every_session_and_make_a_moderator_link(programme, staff_client):
    overview = staff_client.get("/zaal/sessies/")
    csrf = staff_client.cookies["csrftoken"].value
    made = staff_client.post(
        "/zaal/sessies/", {"workshop": programme["raad"].pk, "csrfmiddlewaretoken": csrf}
    )
    page = made.content.decode()
    token = page.split("/zaal/moderator/")[1].split("/")[0]

    assert overview.status_code == 200
    assert LiveRoom.objects.count() == 4  # every session has its code
    assert services.room_for_moderator_token(token).workshop == programme["raad"]
    assert (
        staff_client.get(f"/zaal/{services.room_for(programme['raad']).code}/moderator/").status_code == 200
    )


def test_organisers_download_poll_results_and_questions(raad, make_attendee, staff_client, client):
    anna, bert = make_attendee(1), make_attendee(2)
    poll = services.open_poll(
        services.create_poll(raad, question="Welke?", kind="single", options=["A", "B"])
    )
    services.vote(anna, poll, [1])
    services.vote(bert, poll, [1])
    services.close_poll(poll)
    services.ask(anna, raad, text="=SOM(1)", show_name=False)

    polls = staff_client.get("/dashboard/export/polls.csv").content.decode("utf-8-sig").splitlines()
    asked = staff_client.get("/dashboard/export/questions.csv").content.decode("utf-8-sig").splitlines()

    assert [line.split(";")[5:8] for line in polls[1:]] == [["A", "0", "2"], ["B", "2", "2"]]
    assert asked[1].split(";")[2:6] == ["'=SOM(1)", "wacht op de moderator", "0", "Deelnemer 1"]
    assert client.get("/dashboard/export/polls.csv").status_code == 302
