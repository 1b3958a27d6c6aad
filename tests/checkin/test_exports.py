"""Exports (CSV, XLSX), door lists and the badge print sheet: contents parsed back, and who may get them."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from checkin.exports import surname_key
from checkin.services import redeem
from events import services
from networking.models import Offer, Signup

pytestmark = pytest.mark.django_db

EXPORT_URLS = [
    f"/dashboard/export/{kind}.{fmt}"
    for kind in ("attendees", "bookings", "checkins", "signups")
    for fmt in ("csv", "xlsx")
]
PAGES = ["/dashboard/lijsten/", "/dashboard/badges/", *EXPORT_URLS]


def register(event, municipalities, first, last, code="GM0307", workshops=(), **extra):
    registration, _token = services.register(
        event=event,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}@x.example",
        role=extra.pop("role", "raadslid"),
        municipality=municipalities[code] if code else None,
        workshops=list(workshops),
        send_confirmation=False,
        **extra,
    )
    return registration


@pytest.fixture
def people(programme, event, municipalities, scanner):
    small = programme["small"]
    people = {
        "jan": register(event, municipalities, "Jan", "van der Berg", "GM0599", [small], needs="Rolstoel"),
        "piet": register(event, municipalities, "Piet", "Aalders", "GM0080", [small]),
        "kees": register(event, municipalities, "Kees", "de Boer", "GM0307", [small]),  # waitlisted
        "xena": register(event, municipalities, "Xena", "=HYPERLINK(1)", None, organisation="VNG"),
    }
    redeem(event=event, secret=people["jan"].badge_secret, device=scanner[0])
    redeem(event=event, secret=people["jan"].badge_secret, device=scanner[0], workshop=small)
    return people


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_attendees_csv_sorted_by_surname_without_secrets(staff_client, people):
    response = staff_client.get("/dashboard/export/attendees.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="deelnemers.csv"'
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Kenmerk", "Achternaam", "Voornaam", "E-mailadres"]
    assert [row[1] for row in body] == ["'=HYPERLINK(1)", "Aalders", "van der Berg", "de Boer"]
    jan = body[2]
    assert (jan[5], jan[6], jan[10] != "", jan[11], jan[12]) == (
        "Rotterdam",
        "Zuid-Holland",
        True,
        "Klein Gezelschap",
        "Rolstoel",
    )
    text = response.content.decode("utf-8-sig")
    for registration in people.values():
        assert registration.badge_secret not in text
        assert registration.badge_hash not in text
        assert registration.manage_token_hash not in text


def test_csv_keeps_formulas_as_text(staff_client, people):
    rows = csv_rows(staff_client.get("/dashboard/export/attendees.csv"))

    assert rows[1][1] == "'=HYPERLINK(1)"


def test_attendees_xlsx_has_the_same_rows_and_formulas_stay_text(staff_client, people):
    response = staff_client.get("/dashboard/export/attendees.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = xlsx_rows(response)
    assert rows[0][:3] == ["Kenmerk", "Achternaam", "Voornaam"]
    assert [row[1] for row in rows[1:]] == ["=HYPERLINK(1)", "Aalders", "van der Berg", "de Boer"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=2).data_type == "s"
    # A real date cell (not text), in Amsterdam wall-clock time, as registered.
    registered = timezone.localtime(people["jan"].created_at).replace(tzinfo=None)
    assert abs(rows[3][10] - registered) < timedelta(seconds=1)


def test_door_lists_are_alphabetical_with_the_waiting_list_after(staff_client, people, programme):
    small = programme["small"]
    rows = csv_rows(staff_client.get(f"/dashboard/export/bookings.csv?workshop={small.pk}"))

    assert [(row[3], row[7], row[8]) for row in rows[1:]] == [
        ("Aalders", "geplaatst", ""),
        ("van der Berg", "geplaatst", ""),
        ("de Boer", "op de wachtlijst", "1"),
    ]
    assert rows[2][9] != ""  # Jan was checked in at the door
    everything = csv_rows(staff_client.get("/dashboard/export/bookings.csv"))
    assert len(everything) == 1 + 3


def test_checkins_export_lists_place_person_and_door(staff_client, people):
    rows = xlsx_rows(staff_client.get("/dashboard/export/checkins.xlsx"))

    assert [(row[1], row[2], row[6]) for row in rows[1:]] == [
        ("Ingang", "van der Berg", "Ingang noord"),
        ("Klein Gezelschap", "van der Berg", "Ingang noord"),
    ]


def test_signups_export_with_waiting_positions(staff_client, event, municipalities):
    offer = Offer.objects.create(event=event, slug="ontwikkeltraject", title="Ontwikkeltraject", places=1)
    for n, (code, status) in enumerate(
        [("GM0307", "accepted"), ("GM0599", "waitlisted"), ("GM0080", "waitlisted")]
    ):
        signup = Signup.objects.create(
            offer=offer, municipality=municipalities[code], reference=f"DIA-{n}", status=status
        )
        signup.contacts.create(name=f"Contact {n}", email=f"c{n}@x.example")
    Signup.objects.filter(reference="DIA-0").update(confirmed_at=timezone.now())

    rows = csv_rows(staff_client.get("/dashboard/export/signups.csv"))
    assert rows[0][-1] == "Definitief sinds"
    assert [bool(row[-1]) for row in rows[1:]] == [True, False, False]  # empty while only held

    assert [(row[1], row[3], row[4], row[6]) for row in rows[1:]] == [
        ("Amersfoort", "toegekend", "", "c0@x.example"),
        ("Rotterdam", "op de wachtlijst", "1", "c1@x.example"),
        ("Leeuwarden", "op de wachtlijst", "2", "c2@x.example"),
    ]


@pytest.mark.parametrize("url", PAGES)
def test_lists_need_an_organiser_session_not_a_scanner_token(
    url, programme, scanner_headers, django_user_model
):
    visitor = django_user_model.objects.create_user("bezoeker", password="x")
    member = Client()
    member.force_login(visitor)

    for client, extra in ((Client(), {}), (Client(), scanner_headers), (member, {})):
        response = client.get(url, **extra)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_unknown_export_or_workshop_is_a_404(staff_client, programme, event):
    assert staff_client.get("/dashboard/export/secrets.csv").status_code == 404
    assert staff_client.get("/dashboard/export/attendees.pdf").status_code == 404
    assert staff_client.get("/dashboard/export/bookings.csv?workshop=999999").status_code == 404
    assert staff_client.get("/dashboard/export/bookings.csv?workshop=abc").status_code == 404


def test_door_list_print_view(staff_client, people, programme):
    page = staff_client.get(f"/dashboard/deurlijst/{programme['small'].pk}/").content.decode()

    names = re.findall(r"<strong>([^<]+)</strong>, (\w+)", page)
    assert names == [("Aalders", "Piet"), ("van der Berg", "Jan"), ("de Boer", "Kees")]
    assert "Wachtlijst" in page
    assert staff_client.get("/dashboard/deurlijst/999999/").status_code == 404


def test_lists_page_links_every_export(staff_client, programme):
    page = staff_client.get("/dashboard/lijsten/").content.decode()

    for url in EXPORT_URLS:
        assert f'href="{url}"' in page
    assert f'href="/dashboard/deurlijst/{programme["small"].pk}/"' in page


def test_badge_sheet_a4_by_surname(staff_client, people):
    response = staff_client.get("/dashboard/badges/?layout=a4&sort=surname")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="badge-card"') == 4
    assert page.count('class="sheet-page"') == 1
    assert re.findall(r'class="badge-name">([^<]+)<', page) == [
        "Xena =HYPERLINK(1)",
        "Piet Aalders",
        "Jan van der Berg",
        "Kees de Boer",
    ]
    assert page.count("<svg") == 4


def test_badge_sheet_a6_by_municipality_one_per_page(staff_client, people):
    page = staff_client.get("/dashboard/badges/?layout=a6&sort=municipality").content.decode()

    assert page.count('class="sheet-page"') == 4
    assert 'class="badge-sheet a6"' in page
    assert re.findall(r'class="badge-org">([^<]+)<', page) == ["Amersfoort", "Leeuwarden", "Rotterdam", "VNG"]


def test_badge_sheet_of_700_renders_in_pages_of_eight(staff_client, event, django_assert_max_num_queries):
    from events.models import Registration

    Registration.objects.bulk_create(
        Registration(
            event=event,
            reference=f"DLD-{n:04d}",
            first_name="Deelnemer",
            last_name=f"Nummer {n:03d}",
            email=f"d{n}@x.example",
            role="raadslid",
            organisation="Test",
            privacy_accepted_at=event.registration_opens_at,
            badge_secret=f"SECRET{n:04d}",
            badge_hash=f"hash{n}",
            manage_token_hash=f"token{n}",
        )
        for n in range(700)
    )

    with django_assert_max_num_queries(8):
        page = staff_client.get("/dashboard/badges/").content.decode()

    assert page.count('class="badge-card"') == 700
    assert page.count('class="sheet-page"') == 88  # 87 full pages of 8, and 4 on the last


def test_unknown_layout_or_sort_falls_back_to_the_default(staff_client, people):
    page = staff_client.get("/dashboard/badges/?layout=letter&sort=age").content.decode()

    assert 'class="badge-sheet a4"' in page
    assert re.findall(r'class="badge-name">([^<]+)<', page)[1] == "Piet Aalders"


@pytest.mark.parametrize(
    ("surname", "key"),
    [
        ("van der Berg", "berg"),
        ("de Boer", "boer"),
        ("in 't Veld", "veld"),
        ("Aalders", "aalders"),
        ("Van", "van"),
    ],
)
def test_surname_key_files_dutch_particles_under_the_main_name(surname, key):
    assert surname_key(surname) == key


def test_admin_index_links_the_exports(staff_user, programme):
    staff_user.is_superuser = True
    staff_user.save()
    client = Client()
    client.force_login(staff_user)

    page = client.get("/admin/").content.decode()

    assert 'id="day-lists"' in page
    for url in EXPORT_URLS:
        assert f'href="{url}"' in page
    assert "app-events module" in page  # the app list still follows
