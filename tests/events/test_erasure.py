"""Erasure (AVG art. 17) by the attendee through their private link and by an organiser in the
admin: seats go to the waitlist, nothing personal remains anywhere in the database, links and
badges stop working, and the counts stay right."""

import io
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from checkin.models import CheckIn, Scan
from checkin.selectors import stats
from checkin.services import redeem
from events import services
from events.models import AuditEntry, Booking, OutboundEmail, Registration
from networking.models import ConnectCode, Contact, DirectoryProfile, Signup, SignupContact
from tests.clock import at
from tests.privacy import everything_about, register


@pytest.fixture
def day(event, programme, municipalities):
    return everything_about(event, programme, municipalities)


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def traces_of(person, registration: Registration) -> list[str]:
    """Every text that identifies this person, as it was before the erasure."""
    return [
        registration.first_name,
        registration.last_name,
        registration.email,
        registration.reference,
        registration.badge_secret,
        registration.badge_hash,
        registration.manage_token,
        registration.manage_token_hash,
        registration.needs,
        registration.directory_profile.talk_about,
        person.email.split("@")[0],
    ]


def admin_history(user, obj, change_message: str) -> LogEntry:
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        action_flag=CHANGE,
        change_message=change_message,
    )


def test_attendee_erases_after_a_confirmation_step(client, day):
    xanthippe = day["xanthippe"]

    page = client.get(f"/r/{xanthippe.token}/wissen/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Wilt u alles wissen wat we bewaren over Xanthippe Zwanenburg" in html
    assert f'href="/r/{xanthippe.token}/gegevens.json"' in html

    not_confirmed = client.post(f"/r/{xanthippe.token}/wissen/", {})
    assert not_confirmed.status_code == 200
    assert xanthippe.refresh().erased_at is None

    response = client.post(f"/r/{xanthippe.token}/wissen/", {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == "/gewist/"
    assert "Uw gegevens zijn gewist" in client.get("/gewist/").content.decode()
    assert xanthippe.refresh().erased_at is not None


def test_erase_page_needs_csrf(day):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/r/{day['xanthippe'].token}/wissen/", {"confirm": "yes"})

    assert response.status_code == 403
    assert day["xanthippe"].refresh().erased_at is None


def test_manage_page_links_to_export_and_erasure(client, day):
    token = day["xanthippe"].token
    html = client.get(f"/r/{token}/").content.decode()

    assert f'href="/r/{token}/gegevens.json"' in html
    assert f'href="/r/{token}/wissen/"' in html
    assert "Mijn gegevens wissen" in html


def test_nothing_personal_remains_in_the_whole_database(day, staff_user):
    xanthippe = day["xanthippe"]
    registration = Registration.objects.get(pk=xanthippe.registration.pk)
    traces = traces_of(xanthippe, registration)
    # The admin's history names the objects it touched: it must forget her too.
    admin_history(staff_user, registration, "[]")
    added = [{"added": {"name": "signup contact", "object": registration.full_name}}]
    admin_history(staff_user, Signup.objects.get(municipality_id="GM0307"), json.dumps(added))
    before = dump()
    assert all(trace in before for trace in traces)

    services.erase_registration(registration)

    after = dump()
    assert [trace for trace in traces if trace in after] == []
    assert "Over de raadsbrief" not in after  # the note of her contact with Bram
    # Everyone else is still there.
    for other in ("bram", "carla", "dirk", "eva"):
        assert day[other].email in after
    assert "Eva aan Bram" in after


def test_erasure_removes_each_kind_of_data(day):
    xanthippe = day["xanthippe"]
    registration = xanthippe.registration
    checkins_before = CheckIn.objects.filter(registration=registration).count()

    removed = services.erase_registration(registration)

    registration.refresh_from_db()
    assert (registration.first_name, registration.last_name) == ("Gewist", "")
    assert registration.email == f"erased-{registration.pk}@invalid"
    assert (registration.municipality, registration.organisation, registration.needs) == (None, "", "")
    profile = DirectoryProfile.objects.get(registration=registration)
    assert (profile.listed, profile.interests, profile.talk_about) == (False, [], "")
    assert registration.status == "cancelled"  # the event is still to come
    assert not Booking.objects.filter(registration=registration).exists()
    assert not OutboundEmail.objects.filter(registration=registration).exists()
    assert not OutboundEmail.objects.filter(to__iexact=xanthippe.email).exists()
    assert not Scan.objects.filter(registration=registration).exists()
    assert CheckIn.objects.filter(registration=registration).count() == checkins_before
    assert not ConnectCode.objects.filter(registration=registration).exists()
    assert not Contact.objects.involving(registration).exists()
    assert not SignupContact.objects.filter(email__iexact=xanthippe.email).exists()
    assert Signup.objects.filter(municipality_id="GM0307").count() == 1  # the municipality stays
    assert dict(removed) == {
        "registrations": 1,
        "emails": 3,  # confirmation, the cancellation queued by the erasure itself, the signup's
        "scans_unlinked": 3,
        "connect_codes": 1,
        "contacts": 3,
        "meetings": 0,  # tests/networking/test_meetings.py erases one
        "intakes": 0,  # tests/networking/test_intakes.py erases one
        "signup_contacts": 1,
    }


def test_links_and_badge_stop_working(client, api, day, event):
    xanthippe = day["xanthippe"]
    old_secret = xanthippe.registration.badge_secret
    calendar_token, badge_token = xanthippe.registration.calendar_token, xanthippe.registration.badge_token
    assert client.get(f"/ical/r/{calendar_token}.ics").status_code == 200
    services.erase_registration(xanthippe.registration)

    for path in ("/", "/badge/", "/annuleren/", "/wissen/", "/gegevens.json", "/deelnemers/"):
        assert client.get(f"/r/{xanthippe.token}{path}").status_code == 404, path
    assert client.get(f"/badge/{xanthippe.token}.svg").status_code == 404
    assert client.get(f"/ical/r/{xanthippe.token}.ics").status_code == 404
    assert client.get(f"/ical/r/{calendar_token}.ics").status_code == 404
    assert client.get(f"/badge/{badge_token}.svg").status_code == 404
    erased = Registration.objects.get(pk=xanthippe.registration.pk)
    assert (erased.calendar_token, erased.calendar_token_hash, erased.badge_token, erased.badge_token_hash) == (
        "",
        "",
        "",
        "",
    )
    assert api.get(f"/api/v1/registrations/{xanthippe.token}").status_code == 404
    assert api.get(f"/api/v1/registrations/{xanthippe.token}/export").status_code == 404
    scan = redeem(event=event, secret=old_secret, device=day["devices"]["entrance"])
    assert (scan.status, scan.registration) == ("unknown", None)


def test_erasure_gives_the_seat_to_the_waitlist_and_sends_her_nothing(
    day, event, programme, django_capture_on_commit_callbacks
):
    xanthippe = day["xanthippe"]
    # Klein Gezelschap seats two: Xanthippe and Eva. Fenna waits.
    fenna = register(event, "Fenna", "Fluitsma", workshops=[programme["small"]])
    assert fenna.registration.bookings.get().status == "waitlisted"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.erase_registration(xanthippe.registration)

    assert fenna.registration.bookings.get().status == "booked"
    assert [message.to for message in mail.outbox] == [[fenna.email]]


def test_erasure_after_the_event_keeps_the_counts(day, event, programme, time_machine):
    time_machine.move_to(at(12, days=3))  # three days after the day
    before = stats(event)
    scans_before = Scan.objects.filter(event=event).count()

    services.erase_registration(Registration.objects.get(pk=day["xanthippe"].registration.pk))

    after = stats(event)
    assert Registration.objects.get(pk=day["xanthippe"].registration.pk).status == "confirmed"
    for figure in ("registered", "cancelled", "checked_in", "not_arrived", "by_role", "workshops", "rounds"):
        assert after[figure] == before[figure], figure
    assert after["arrivals_per_minute"] == before["arrivals_per_minute"]
    assert sum(row["registered"] for row in after["by_province"]) == sum(
        row["registered"] for row in before["by_province"]
    )
    assert Scan.objects.filter(event=event).count() == scans_before


def test_erasing_twice_changes_nothing(day):
    registration = day["xanthippe"].registration
    services.erase_registration(registration)
    erased = Registration.objects.get(pk=registration.pk)

    assert services.erase_registration(erased) == {}
    again = Registration.objects.get(pk=registration.pk)
    assert (again.reference, again.manage_token_hash, again.erased_at) == (
        erased.reference,
        erased.manage_token_hash,
        erased.erased_at,
    )


def test_others_keep_their_data_and_lose_only_the_contact(client, day):
    bram = day["bram"]
    services.erase_registration(day["xanthippe"].registration)

    html = client.get(f"/r/{bram.token}/").content.decode()
    assert "Xanthippe" not in html
    assert "Eva Elzinga" in html  # Eva's request to Bram stays
    assert Contact.objects.involving(bram.registration).count() == 1


def test_organiser_erases_from_the_admin_after_confirming(staff_user, day):
    staff_user.is_superuser = True
    staff_user.save()
    admin = Client()
    admin.force_login(staff_user)
    xanthippe, eva = day["xanthippe"], day["eva"]
    selected = [xanthippe.registration.pk, eva.registration.pk]

    confirm = admin.post(
        "/admin/events/registration/", {"action": "erase_personal_data", "_selected_action": selected}
    )
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Xanthippe Zwanenburg" in html and "Eva Elzinga" in html
    assert Registration.objects.filter(erased_at__isnull=False).count() == 0

    done = admin.post(
        "/admin/events/registration/",
        {"action": "erase_personal_data", "_selected_action": selected, "post": "yes"},
        follow=True,
    )
    assert "Persoonsgegevens van 2 aanmeldingen gewist." in done.content.decode()
    assert set(Registration.objects.filter(erased_at__isnull=False).values_list("pk", flat=True)) == set(
        selected
    )
    logged = LogEntry.objects.filter(object_id__in=[str(pk) for pk in selected]).order_by("object_id")
    assert [entry.get_change_message() for entry in logged] == ["Persoonsgegevens gewist."] * 2
    assert all("Xanthippe" not in entry.object_repr and "Eva" not in entry.object_repr for entry in logged)


def test_the_audit_trail_keeps_its_entries_and_forgets_her(organiser_admin, day):
    """An organiser corrected her name and needs, and her name as her municipality's
    signup contact, in the admin: after the erasure the entries are still there, without any of her
    values, the earlier spellings too; others' entries are untouched."""
    admin = organiser_admin
    xanthippe, eva = day["xanthippe"], day["eva"]
    registration = xanthippe.registration
    before = traces_of(xanthippe, registration)
    changed = admin.post(
        f"/admin/events/registration/{registration.pk}/change/",
        {
            "event": registration.event_id,
            "first_name": "Xanthe",
            "last_name": registration.last_name,
            "email": registration.email,
            "role": registration.role,
            "municipality": registration.municipality_id,
            "organisation": "",
            "needs": "Rolstoelplek en een hulphond",
            "language": "nl",
            "bookings-TOTAL_FORMS": 0,
            "bookings-INITIAL_FORMS": 0,
        },
    )
    signup = Signup.objects.get(municipality_id="GM0307")
    contact = signup.contacts.get()
    renamed = admin.post(
        f"/admin/networking/signup/{signup.pk}/change/",
        {
            "offer": signup.offer_id,
            "municipality": signup.municipality_id,
            "status": signup.status,
            "contacts-TOTAL_FORMS": 1,
            "contacts-INITIAL_FORMS": 1,
            "contacts-0-id": contact.pk,
            "contacts-0-signup": signup.pk,
            "contacts-0-name": "X. Zwanenburg",
            "contacts-0-role": contact.role,
            "contacts-0-email": contact.email,
        },
    )
    assert (changed.status_code, renamed.status_code) == (302, 302)
    edits = AuditEntry.objects.filter(door="admin").order_by("pk")
    assert [entry.action for entry in edits] == ["registration.changed", "signup.changed"]
    assert edits[1].changes == {
        f"contacts.{contact.pk}": [
            "Xanthippe Zwanenburg (raadslid) <xanthippe.zwanenburg@voorbeeld.example>",
            "X. Zwanenburg (raadslid) <xanthippe.zwanenburg@voorbeeld.example>",
        ]
    }
    traces = [*before, "Xanthe", "Rolstoelplek en een hulphond", "X. Zwanenburg"]
    eva_entries = list(AuditEntry.objects.filter(object_id=str(eva.registration.pk)).values())

    services.erase_registration(Registration.objects.get(pk=registration.pk))

    trail = json.dumps(list(AuditEntry.objects.values()), cls=DjangoJSONEncoder, ensure_ascii=False)
    assert [trace for trace in traces if trace in trail] == []
    edits = AuditEntry.objects.filter(door="admin").order_by("pk")
    assert edits[0].changes == {"first_name": ["Gewist", "Gewist"], "needs": ["Gewist", "Gewist"]}
    assert edits[1].changes == {f"contacts.{contact.pk}": ["Gewist", "Gewist"]}
    erased = Registration.objects.get(pk=registration.pk)
    hers = AuditEntry.objects.filter(object_id=str(registration.pk), content_type__model="registration")
    assert [entry.action for entry in hers.order_by("pk")] == [
        "registration.created",
        "registration.changed",
        "registration.cancelled",
        "registration.erased",
    ]
    assert set(hers.values_list("object_repr", flat=True)) == {str(erased)}
    assert list(AuditEntry.objects.filter(object_id=str(eva.registration.pk)).values()) == eva_entries
