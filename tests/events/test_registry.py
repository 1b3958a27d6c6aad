"""The core's registry: the apps' contributions to shared places, found in their modules, in the
order of INSTALLED_APPS whatever order the modules were imported in."""

import pytest

from events import services
from events.backup import parts
from events.dashboard import SECTIONS
from events.exports import EXPORTS
from events.extras import ATTENDEE_PANELS, REGISTRATION_EXTRAS
from events.ical import PERSONAL_ENTRIES
from events.models import Registration
from events.registry import Registry


def register_from(registry: Registry, module: str, item) -> None:
    """Register `item` as code in `module` does."""
    exec("registry.register(item)", {"__name__": module, "registry": registry, "item": item})  # noqa: S102


def test_contributions_come_in_the_order_of_the_installed_apps():
    registry = Registry("no_such_module")
    register_from(registry, "networking.one", "networking first")
    register_from(registry, "checkin.one", "checkin")
    register_from(registry, "events.one", "events")
    register_from(registry, "networking.two", "networking second")

    assert list(registry) == ["events", "checkin", "networking first", "networking second"]
    assert list(registry) == list(registry)


def test_register_returns_what_it_registered_so_it_decorates():
    registry = Registry("no_such_module")

    @registry.register
    def contribution():
        return "mine"

    assert list(registry) == [contribution]
    assert contribution() == "mine"


def test_each_shared_place_finds_the_apps_modules():
    assert [section.key for section in SECTIONS] == [
        "webhooks_disabled",
        "held_seats",
        "scheduled_mails",
        "offers",
        "map",
        "meetings",
    ]
    assert [entries.__module__ for entries in PERSONAL_ENTRIES] == ["networking.calendar"]
    assert [export.kind for export in EXPORTS] == [
        "polls",
        "questions",
        "opt_outs",
        "attendees",
        "bookings",
        "checkins",
        "signups",
        "feedback",
    ]
    assert list(ATTENDEE_PANELS) == [
        "events/room/_manage_room.html",
        "events/webpush/_manage_push.html",
        "checkin/_manage_lost_badge.html",
        "networking/_manage_directory.html",
        "events/feedback/_panel.html",
        "events/certificates/_panel.html",
    ]
    assert [extra.fields for extra in REGISTRATION_EXTRAS] == [
        ["directory_opt_in", "interests", "talk_about"]
    ]
    labels = [part.model._meta.app_label for part in parts()]
    assert labels == sorted(
        labels, key=["auth", "events", "checkin", "networking", "feedback", "certificates"].index
    )


def test_register_refuses_a_field_no_app_takes_and_stores_nothing(event):
    with pytest.raises(TypeError, match=r"unexpected keyword arguments: interest$"):
        services.register(
            event=event,
            first_name="Tijs",
            last_name="Typfout",
            email="tijs@example.org",
            role="raadslid",
            organisation="Kennisinstituut",
            directory_opt_in=True,
            interest=["inwoners-betrekken"],
            send_confirmation=False,
        )

    assert Registration.objects.count() == 0
