"""A day on which the system holds everything it can about one person, and about others around
them: for the tests of the per-person export, the erasure and the retention purge."""

from dataclasses import dataclass

from checkin.services import create_device, redeem
from events import services
from events.models import Event, Registration
from networking import services as networking
from tests.factories import create_offers


@dataclass
class Person:
    registration: Registration
    token: str

    @property
    def name(self) -> str:
        return self.registration.full_name

    @property
    def email(self) -> str:
        return self.registration.email

    def refresh(self) -> Registration:
        self.registration.refresh_from_db()
        return self.registration


def register(event: Event, first: str, last: str, *, municipality=None, workshops=(), **fields) -> Person:
    registration, token = services.register(
        event=event,
        first_name=first,
        last_name=last,
        email=f"{first}.{last}@voorbeeld.example".lower(),
        role=fields.pop("role", "raadslid"),
        municipality=municipality,
        organisation="" if municipality else "Kennisinstituut Lokaal",
        workshops=list(workshops),
        by_organiser=True,
        **fields,
    )
    return Person(registration, token)


def everything_about(event: Event, programme: dict, municipalities: dict) -> dict:
    """Xanthippe has everything: needs, a directory profile, workshops, scans at two doors, e-mails,
    a connect code, contacts in every state, and her municipality's network signup. Bram accepted
    her request, she asked Carla (pending), Dirk asked her (pending). Eva is unrelated: her own
    bookings, scan, contact with Bram and signup must never show up in Xanthippe's data."""
    offers = create_offers(event)
    xanthippe = register(
        event,
        "Xanthippe",
        "Zwanenburg",
        municipality=municipalities["GM0307"],
        workshops=[programme["small"], programme["digital"]],
        needs="Rolstoelplek vooraan",
        directory_opt_in=True,
        interests=["inwoners-betrekken"],
        talk_about="Burgerberaden in kleine kernen",
    )
    bram = register(event, "Bram", "Bakkerhuis", municipality=municipalities["GM0363"], directory_opt_in=True)
    carla = register(event, "Carla", "Corneliszoon", municipality=municipalities["GM0599"])
    dirk = register(event, "Dirk", "Dijkgraafsma", role="wethouder")
    eva = register(
        event, "Eva", "Elzinga", municipality=municipalities["GM0080"], workshops=[programme["small"]]
    )

    entrance, _token = create_device(event=event, name="Ingang noord")
    door, _token = create_device(event=event, name="Deur zaal B", workshop=programme["small"])
    for person in (xanthippe, eva):
        redeem(event=event, secret=person.registration.badge_secret, device=entrance)
    redeem(event=event, secret=xanthippe.registration.badge_secret, device=entrance)  # scanned twice
    redeem(event=event, secret=xanthippe.registration.badge_secret, device=door, workshop=programme["small"])

    for person in (xanthippe, bram, carla):
        networking.connect_code_for(person.registration)
    accepted = networking.request_contact(
        requester=xanthippe.registration,
        secret=bram.registration.connect_code.secret,
        note="Over de raadsbrief",
    )
    networking.accept_contact(registration=bram.registration, contact_id=accepted.pk)
    networking.request_contact(
        requester=xanthippe.registration, secret=carla.registration.connect_code.secret, note="Koffie?"
    )
    networking.request_contact(
        requester=dirk.registration,
        secret=networking.connect_code_for(xanthippe.registration).secret,
        note="Even bellen",
    )
    networking.request_contact(
        requester=eva.registration, secret=bram.registration.connect_code.secret, note="Eva aan Bram"
    )

    networking.sign_up(
        event=event,
        municipality=municipalities["GM0307"],
        contact_name=xanthippe.name,
        contact_email=xanthippe.email,
        contact_role="raadslid",
        offers=[offers["netwerk-digitale-democratie"]],
        consent=True,
    )
    networking.sign_up(
        event=event,
        municipality=municipalities["GM0080"],
        contact_name=eva.name,
        contact_email=eva.email,
        offers=[offers["netwerk-digitale-democratie"], offers["quick-scan"]],
        consent=True,
    )
    return {
        "xanthippe": xanthippe,
        "bram": bram,
        "carla": carla,
        "dirk": dirk,
        "eva": eva,
        "offers": offers,
        "devices": {"entrance": entrance, "door": door},
    }
