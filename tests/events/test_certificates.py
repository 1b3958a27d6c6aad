"""Certificates of attendance: after the day, the sessions someone was scanned into (plenaries by
the entrance scan) with their hours, as a PDF with a verification code and QR; the public check
says valid or not and shows the name and sessions, nothing more."""

import io

import pytest
import zxingcpp
from django.core import mail
from django.core.cache import cache
from pypdf import PdfReader

from checkin.models import CheckIn
from config import ratelimit
from events import services
from events.backup import export_event
from events.certificates.models import Certificate
from tests.clock import at, dutch_date, event_day

DUTCH_WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


def written_out(day) -> str:
    """'maandag 11 januari 2027'."""
    return f"{DUTCH_WEEKDAYS[day.weekday()]} {dutch_date(day)}"


@pytest.fixture
def anna(programme, make_attendee, municipalities):
    """In at the entrance before the opening, scanned in at "Sterke Raad"; booked "Digitale
    Participatie" but never scanned there."""
    registration = make_attendee(
        1,
        programme["raad"],
        programme["digital"],
        first_name="Anna",
        last_name="Zuiderwijk-Öztürk",
        municipality=municipalities["GM0080"],
    )
    CheckIn.objects.create(registration=registration, workshop=None, checked_in_at=at(9, 40))
    CheckIn.objects.create(registration=registration, workshop=programme["raad"], checked_in_at=at(11, 2))
    return registration


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_url(registration) -> str:
    return f"/r/{registration.manage_token}/certificaat.pdf"


def test_not_before_the_day_is_over_and_nothing_is_stored(client, anna, time_machine):
    time_machine.move_to(at(13, 59), tick=False)  # the last round ends at 14:00
    response = client.get(pdf_url(anna))
    assert response.status_code == 409
    assert "na afloop van de dag" in response.text
    assert "certificaat.pdf" not in client.get(f"/r/{anna.manage_token}/").text
    assert Certificate.objects.count() == 0


def test_not_for_who_was_not_scanned_anywhere(client, make_attendee, programme, time_machine):
    absent = make_attendee(2, programme["raad"])
    time_machine.move_to(at(18), tick=False)
    assert client.get(pdf_url(absent)).status_code == 409
    assert client.post(f"/r/{absent.manage_token}/certificaat/mail/").status_code == 409
    assert Certificate.objects.count() == 0
    assert client.get("/r/onbekend/certificaat.pdf").status_code == 404


def test_the_pdf_names_the_event_the_day_and_each_session_with_hours(client, anna, time_machine):
    time_machine.move_to(at(18), tick=False)
    page = client.get(f"/r/{anna.manage_token}/").text
    assert "Bewijs van deelname" in page
    assert pdf_url(anna) in page

    response = client.get(pdf_url(anna))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="bewijs-van-deelname-{anna.reference}.pdf"'
    text = pdf_text(response.content)
    code = Certificate.objects.get(registration=anna).code
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[:4] == [
        "Bewijs van deelname",
        "Anna Zuiderwijk-Öztürk",
        "Raadslid, Leeuwarden",
        "heeft deelgenomen aan Dag van de Lokale Democratie",
    ]
    assert f"op {written_out(event_day())} in Prodentfabriek, Amersfoort" in lines
    sessions = lines[lines.index("Bijgewoonde sessies") + 1 : lines.index("Totaal")]
    assert sessions == [
        "10:00–10:45",
        "45 minuten",
        "Opening (Grote Zaal)",
        "11:00–12:00",
        "1 uur",
        "Sterke Raad (Zaal A)",
    ]
    assert lines[lines.index("Totaal") + 1] == "1 uur en 45 minuten"
    assert "Digitale Participatie" not in text
    assert f"Controlecode: {code}" in lines
    assert f"http://127.0.0.1:8000/certificaat/{code}/" in lines

    # The same certificate every time: one code per person.
    again = client.get(pdf_url(anna))
    assert f"Controlecode: {code}" in pdf_text(again.content)
    assert Certificate.objects.count() == 1


def test_the_qr_leads_to_the_verification_page(client, anna, time_machine):
    time_machine.move_to(at(18), tick=False)
    reader = PdfReader(io.BytesIO(client.get(pdf_url(anna)).content))
    image = reader.pages[0].images[0].image
    code = Certificate.objects.get(registration=anna).code
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [
        f"http://127.0.0.1:8000/certificaat/{code}/"
    ]


def test_a_plenary_counts_by_the_entrance_scan_only_if_it_was_before_its_end(
    client, programme, make_attendee, time_machine
):
    late = make_attendee(3, programme["raad"], first_name="Lotte", last_name="Laat")
    CheckIn.objects.create(registration=late, workshop=None, checked_in_at=at(10, 50))  # opening ended 10:45
    CheckIn.objects.create(registration=late, workshop=programme["raad"], checked_in_at=at(11, 1))
    time_machine.move_to(at(18), tick=False)
    text = pdf_text(client.get(pdf_url(late)).content)
    assert "Opening" not in text
    assert "Totaal\n1 uur\n" in text


def test_the_check_says_valid_and_shows_the_name_and_sessions_nothing_more(client, anna, time_machine):
    time_machine.move_to(at(18), tick=False)
    client.get(pdf_url(anna))
    code = Certificate.objects.get(registration=anna).code

    response = client.get(f"/certificaat/{code}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    page = response.text
    assert "Dit bewijs is geldig." in page
    assert '<dd class="certificate-name">Anna Zuiderwijk-Öztürk</dd>' in page
    assert "<li>10:00–10:45 Opening (45 minuten)</li>" in page
    assert "<li>11:00–12:00 Sterke Raad (1 uur)</li>" in page
    assert "Totaal: 1 uur en 45 minuten" in page
    for private in (anna.email, anna.reference, "Leeuwarden", "Raadslid", anna.manage_token, "Digitale"):
        assert private not in page
    # Typed in by hand from the paper: lower case, without dashes.
    assert client.get(f"/certificaat/{code.replace('-', '').lower()}/").status_code == 200


def test_an_unknown_code_is_not_valid(client, anna, time_machine):
    time_machine.move_to(at(18), tick=False)
    client.get(pdf_url(anna))
    response = client.get("/certificaat/ABCD-EFGH-JKMN/")
    assert response.status_code == 404
    assert "De code ABCD-EFGH-JKMN hoort niet bij een geldig bewijs." in response.text
    assert "Anna" not in response.text
    assert client.get("/certificaat/<script>alert(1)</script>/").status_code == 404


def test_by_mail_on_request_with_the_pdf_attached(
    client, anna, time_machine, django_capture_on_commit_callbacks, settings
):
    settings.RATE_LIMITS_ENABLED = True  # the fourth mail in an hour is refused
    ratelimit.reset()
    cache.clear()
    time_machine.move_to(at(18), tick=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/r/{anna.manage_token}/certificaat/mail/")
    assert response.status_code == 302
    assert response["Location"] == f"/r/{anna.manage_token}/?certificaat=verstuurd#certificaat"
    assert "We sturen het bewijs naar deelnemer1@x.example." in client.get(response["Location"]).text
    [message] = mail.outbox
    assert message.to == [anna.email]
    assert message.subject == "Uw bewijs van deelname aan Dag van de Lokale Democratie"
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"bewijs-van-deelname-{anna.reference}.pdf", "application/pdf")
    assert "Anna Zuiderwijk-Öztürk" in pdf_text(content)
    code = Certificate.objects.get(registration=anna).code
    assert f"http://127.0.0.1:8000/certificaat/{code}/" in message.body
    assert f"/certificaat/{code}/" in message.alternatives[0][0]
    assert "Uw programma" not in message.alternatives[0][0]

    for _ in range(2):
        assert client.post(f"/r/{anna.manage_token}/certificaat/mail/").status_code == 302
    assert client.post(f"/r/{anna.manage_token}/certificaat/mail/").status_code == 429
    assert client.get(f"/r/{anna.manage_token}/certificaat/mail/").status_code == 405


def test_erased_with_the_person_and_then_no_longer_valid(client, anna, time_machine):
    time_machine.move_to(at(18), tick=False)
    client.get(pdf_url(anna))
    code = Certificate.objects.get(registration=anna).code
    assert client.get(f"/r/{anna.manage_token}/gegevens.json").json()["certificate"]["code"] == code
    assert [row["model"] for row in export_event(anna.event)["objects"]].count(
        "certificates.certificate"
    ) == 1

    removed = services.erase_registration(anna)
    assert removed["certificates"] == 1
    assert Certificate.objects.count() == 0
    assert client.get(f"/certificaat/{code}/").status_code == 404


def test_in_english_for_who_registered_in_english(client, anna, time_machine):
    anna.language = "en"
    anna.save(update_fields=["language"])
    time_machine.move_to(at(18), tick=False)
    lines = [line.strip() for line in pdf_text(client.get(pdf_url(anna)).content).splitlines()]
    day = event_day()
    assert lines[0] == "Certificate of attendance"
    assert f"on {day:%A} {day.day} {day:%B} {day.year} at Prodentfabriek, Amersfoort" in lines
    assert lines[lines.index("Total") + 1] == "1 hour and 45 minutes"
