"""After an erasure the doors' and dashboards' views hold nothing of the person: the scan log keeps
its rows without a name, the offline list and the name search no longer find her."""

from checkin.selectors import offline_list, recent_scans, search_attendees
from events import services
from tests.privacy import everything_about


def test_scan_log_and_door_lists_forget_an_erased_attendee(event, programme, municipalities):
    day = everything_about(event, programme, municipalities)
    xanthippe = day["xanthippe"]
    assert [scan["name"] for scan in recent_scans(event)].count("Xanthippe Zwanenburg") == 3

    services.erase_registration(xanthippe.registration)

    scans = recent_scans(event)
    assert len(scans) == 4
    assert "Xanthippe Zwanenburg" not in [scan["name"] for scan in scans]
    assert [scan["name"] for scan in scans].count("") == 3
    people = offline_list(event)["people"]
    assert all("Xanthippe" not in person["name"] for person in people)
    assert xanthippe.registration.badge_hash not in [person["hash"] for person in people]
    assert search_attendees(event, "Zwanenburg") == []
