"""The accessibility statement (toegankelijkheidsverklaring): the Dutch model's parts, linked from
every page."""

import re


def test_the_statement_has_the_models_parts(client, event):
    page = client.get("/toegankelijkheid/").content.decode()
    for heading in (
        "Toegankelijkheidsverklaring",
        "Stand van zaken",
        "Hoe we het hebben getoetst",
        "Bekende beperkingen",
    ):
        assert heading in page
    assert "B: voldoet gedeeltelijk" in page
    assert "Nationale ombudsman" in page
    assert re.search(r"Verklaring opgesteld op</dt><dd>\d{1,2} \w+ \d{4}</dd>", page)


def test_every_page_links_to_it(client, event, staff_client):
    for path in ("/", "/aanmelden/", "/privacy/", "/netwerk/", "/aanmelden/link/"):
        assert 'href="/toegankelijkheid/"' in client.get(path).content.decode(), path
    assert 'href="/toegankelijkheid/"' in staff_client.get("/scan/").content.decode()
