"""Builders of the tests' objects and request bodies: a small, fully known event, its programme,
attendees, the network's offers, and the payloads of the registration and signup forms and API.

The fixtures in tests/conftest.py and tests/networking/conftest.py are built from these; a test
that needs another variant calls a builder itself. Every attendee is registered through the
service, as a person would be."""

from datetime import timedelta

from django.utils import timezone

from events import services
from events.models import Event, Municipality, Registration, RegistrationQuestion, Room, Round, Workshop
from networking.models import Offer
from tests.clock import at, event_day

MUNICIPALITIES = [
    ("GM0307", "Amersfoort", "Utrecht"),
    ("GM0363", "Amsterdam", "Noord-Holland"),
    ("GM0599", "Rotterdam", "Zuid-Holland"),
    ("GM0518", "'s-Gravenhage", "Zuid-Holland"),
    ("GM0080", "Leeuwarden", "Fryslân"),
]


def create_municipalities() -> dict[str, Municipality]:
    """The five municipalities of the test event, by CBS code."""
    return {
        code: Municipality.objects.create(code=code, name=name, province=province)
        for code, name, province in MUNICIPALITIES
    }


def make_municipalities(count: int, province: str = "Gelderland") -> list[Municipality]:
    """`count` extra municipalities GM9000.., beyond the five of the shared fixture."""
    return Municipality.objects.bulk_create(
        Municipality(code=f"GM{9000 + n}", name=f"Testgemeente {n:02d}", province=province)
        for n in range(count)
    )


def create_event(**fields) -> Event:
    """The test event: on `event_day()`, registration open from 30 days ago until 30 days ahead."""
    data = {
        "slug": "dld-test",
        "name": "Dag van de Lokale Democratie",
        "date": event_day(),
        "venue": "Prodentfabriek",
        "venue_address": "Amersfoort",
        "registration_opens_at": timezone.now() - timedelta(days=30),
        "registration_closes_at": timezone.now() + timedelta(days=30),
        "capacity": 100,
    }
    return Event.objects.create(**{**data, **fields})


def create_workshop(
    slug: str, round_: Round, room: Room, capacity: int, theme="krachtige-gemeenteraad"
) -> Workshop:
    return Workshop.objects.create(
        slug=slug,
        title=slug.replace("-", " ").title(),
        round=round_,
        room=room,
        capacity=capacity,
        theme=theme,
    )


def create_programme(event: Event) -> dict:
    """A plenary opening and two workshop rounds; `small` has two seats."""
    hall = Room.objects.create(event=event, name="Grote Zaal", capacity=800)
    room_a = Room.objects.create(event=event, name="Zaal A", capacity=40)
    room_b = Room.objects.create(event=event, name="Zaal B", capacity=30)
    opening = Round.objects.create(
        event=event, label="Opening", kind="plenary", starts_at=at(10), ends_at=at(10, 45)
    )
    first = Round.objects.create(event=event, label="Ronde 1", starts_at=at(11), ends_at=at(12))
    second = Round.objects.create(event=event, label="Ronde 2", starts_at=at(13), ends_at=at(14))
    return {
        "opening": create_workshop("opening", opening, hall, 800, theme=""),
        "raad": create_workshop("sterke-raad", first, room_a, 40),
        "small": create_workshop("klein-gezelschap", first, room_b, 2, theme="inwoners-betrekken"),
        "digital": create_workshop("digitale-participatie", second, room_a, 40, theme="opschalen-uitbreiden"),
        "rounds": {"opening": opening, "first": first, "second": second},
        "rooms": {"hall": hall, "a": room_a, "b": room_b},
    }


def register_attendee(event: Event, n: int = 1, *workshops: Workshop, **fields) -> Registration:
    """Person n (Deelnemer n, a council member of Amersfoort unless `fields` name another municipality),
    registered through the service."""
    data = {
        "event": event,
        "first_name": "Deelnemer",
        "last_name": str(n),
        "email": f"deelnemer{n}@x.example",
        "role": "raadslid",
        "workshops": workshops,
    }
    if "municipality" not in fields:
        data["municipality"] = Municipality.objects.get(code="GM0307")
    registration, _token = services.register(**{**data, **fields})
    return registration


def attendee(
    event, name: str, *, municipality=None, role="raadslid", opt_in=True, interests=(), talk_about=""
):
    """(registration, manage token) of a confirmed attendee with a directory profile."""
    first, last = name.split(" ", 1)
    return services.register(
        event=event,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}.{last.lower().replace(' ', '')}@example.org",
        role=role,
        municipality=municipality,
        organisation="" if municipality else "Kennisinstituut",
        directory_opt_in=opt_in,
        interests=list(interests),
        talk_about=talk_about,
        send_confirmation=False,
    )


def badge_holder(event, municipalities, n: int, **fields) -> Registration:
    """Person n with a badge to scan (Wim Willems n, a clerk of Amersfoort, unless `fields` say
    otherwise), registered through the service."""
    data = {
        "first_name": "Wim",
        "last_name": f"Willems {n}",
        "email": f"wim.{n}@e2e.example",
        "role": "griffier",
        "municipality": municipalities["GM0307"],
    }
    registration, _token = services.register(event=event, **{**data, **fields})
    return registration


def amersfoort_delegation(event: Event, *members: dict, **coordinator):
    """(delegation, manage token, [(registration, token)]) of Amersfoort's clerk Griet Griffier
    (`coordinator` overrides her fields), who attends, with `members` (dicts as
    events.forms.clean_delegation returns them), registered through the service."""
    return services.register_delegation(
        event=event,
        coordinator={
            "first_name": "Griet",
            "last_name": "Griffier",
            "email": "griffie@amersfoort.example",
            "role": "griffier",
            **coordinator,
        },
        municipality=Municipality.objects.get(pk="GM0307"),
        attending=True,
        members=list(members),
    )


def delegation_member(
    first_name: str, last_name: str, *workshops: Workshop, email="", role="raadslid"
) -> dict:
    """One member of a delegation, without an address of their own unless `email` is given."""
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "role": role,
        "workshops": list(workshops),
    }


def registration_payload(n: int = 1, **overrides) -> dict:
    """The body of `POST /api/v1/registrations` for person n."""
    payload = {
        "first_name": "Anna",
        "last_name": f"de Vries {n}",
        "email": f"anna.{n}@amersfoort.example",
        "role": "raadslid",
        "municipality": "GM0307",
        "workshops": [],
    }
    payload.update(overrides)
    return payload


OFFERS = [
    ("netwerk-digitale-democratie", "Netwerk Lokale Digitale Democratie", None),
    ("quick-scan", "Quick Scan Lokale Democratie", 50),
    ("ontwikkeltraject", "Ontwikkeltraject", 10),
    ("raadsondersteuning", "Ondersteuning van de raad op maat", 20),
]


def create_offers(event) -> dict[str, Offer]:
    """The network's four offers, by slug."""
    return {
        slug: Offer.objects.create(event=event, slug=slug, title=title, places=places, position=position)
        for position, (slug, title, places) in enumerate(OFFERS)
    }


SIGNUP_URL = "/api/v1/signups"


def signup_payload(**overrides) -> dict:
    """The body of `POST /api/v1/signups`: Amersfoort's clerk signs up for two offers."""
    data = {
        "municipality": "GM0307",
        "contact_name": "Karin de Griffier",
        "contact_email": "griffie@amersfoort.example",
        "offers": ["quick-scan", "netwerk-digitale-democratie"],
    }
    data.update(overrides)
    return data


def signup_form_data(**overrides) -> dict:
    """The signup page's form as Amersfoort's clerk fills it in."""
    data = {
        "municipality": "Amersfoort (GM0307)",
        "contact_name": "Karin de Griffier",
        "contact_role": "griffier",
        "contact_email": "griffie@amersfoort.example",
        "offers": ["quick-scan", "netwerk-digitale-democratie"],
        "consent": "on",
    }
    data.update(overrides)
    return data


def registration_form_data(programme, **overrides) -> dict:
    """What the registration page's form posts: Fatima from Rotterdam, one workshop in the first round."""
    data = {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "email": "fatima@rotterdam.example",
        "role": "griffier",
        "municipality": "GM0599",
        f"round-{programme['rounds']['first'].pk}": str(programme["small"].pk),
        f"round-{programme['rounds']['second'].pk}": "",
        "privacy": "on",
    }
    data.update(overrides)
    return data


def create_lunch_and_clerks_session(event: Event) -> dict[str, RegistrationQuestion]:
    """Two of the organisers' questions: `lunch` (yes/no, required of everyone) and `session`, the
    clerks' session (one choice of Ochtend and Middag, required, asked of clerks only)."""
    kind = RegistrationQuestion.Kind
    lunch = RegistrationQuestion.objects.create(
        event=event, text="Blijft u lunchen?", kind=kind.YES_NO, required=True, position=1
    )
    session = RegistrationQuestion.objects.create(
        event=event, text="Welk griffiersoverleg?", kind=kind.CHOICE, required=True, roles=["griffier"], position=2
    )
    session.options.create(label="Ochtend", position=1)
    session.options.create(label="Middag", position=2)
    return {"lunch": lunch, "session": session}


# What Griet Griffier of Amersfoort types into the delegation form's first block (field id: text
# or the option to pick), in the browser tests.
DELEGATION_COORDINATOR_TYPED = {
    "id_first_name": "Griet",
    "id_last_name": "Griffier",
    "id_email": "griffie@amersfoort.example",
    "id_role": "Griffier",
    "id_municipality": "Amersfoort",
}

# The delegation form's POST as Griet Griffier of Amersfoort sends it, not attending herself.
DELEGATION_PAGE_POST = {
    "first_name": "Griet",
    "last_name": "Griffier",
    "email": "griffie@amersfoort.example",
    "role": "griffier",
    "municipality": "GM0307",
    "privacy": "on",
    "rows": "5",
}
