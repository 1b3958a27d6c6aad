"""The privacy statement: in Dutch, complete for what the system stores, with the retention period
the purge command uses and the organisers' address."""

from django.test import override_settings


def test_statement_covers_data_purposes_bases_retention_and_rights(client, event):
    event.contact_email = "privacy@dld.example"
    event.save()
    with override_settings(PERSONAL_DATA_RETENTION_DAYS=45):
        response = client.get("/privacy/")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert 'href="mailto:privacy@dld.example"' in html
    assert "45 dagen na het evenement wissen we alle persoonsgegevens" in html
    for part in (
        "Uw naam, e-mailadres en functie",  # registration
        "Uw workshopkeuzes",  # bookings
        "Wensen voor toegankelijkheid of dieet",  # needs (health: art. 9)
        "Scans van uw badge",  # check-ins: time, door, device
        "E-mails die we u sturen",  # the outbox
        "deelnemersgids",  # directory profile
        "verbindcode",  # connect codes and contacts
        "Een gemeente aanmelden",  # municipality signup contacts
        "uw feedback op een sessie",  # feedback
        "Uw bewijs van deelname",  # certificate codes
        "Wanneer u elke toestemming gaf",  # consent records
        "AVG art. 6 lid 1 sub b",
        "AVG art. 6 lid 1 sub f",
        "AVG art. 6 lid 1 sub a",
        "AVG art. 9 lid 2 sub a",
        "verwerkersovereenkomst",  # processors
        "Inzage en een kopie",
        "Correctie",
        "Verwijdering",
        "Bezwaar",
        "Autoriteit Persoonsgegevens",
    ):
        assert part in html, part
    assert "<script>" not in html and 'style="' not in html


def test_statement_names_a_single_day(client, event):
    with override_settings(PERSONAL_DATA_RETENTION_DAYS=1):
        html = client.get("/privacy/").content.decode()

    assert "1 dag na het evenement" in html


def test_the_statement_names_the_controller_and_agrees_with_the_form(client, event, settings):
    settings.PRIVACY_CONTROLLER = "Vereniging van Nederlandse Gemeenten, Nassaulaan 12, Den Haag"
    settings.PRIVACY_CONTACT_EMAIL = "privacy@vng.example"
    page = client.get("/privacy/").content.decode()
    assert "Vereniging van Nederlandse Gemeenten, Nassaulaan 12, Den Haag is verantwoordelijk" in page
    assert 'href="mailto:privacy@vng.example"' in page
    form = client.get("/aanmelden/").content.decode()
    # The form asks to confirm the statement was read, not for a consent the statement does not rely on.
    assert "Ik heb de privacyverklaring gelezen" in form
    assert "akkoord" not in form
