"""Read queries of the networking app: offers and places, the network's members, the attendee
directory with its suggestions, and an attendee's contacts."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from events.models import Event, Registration, Theme
from networking.models import NETWORK_SLUG, Contact, Offer, Signup

# Municipalities count as similar in size when the larger has at most this many times the
# inhabitants of the smaller.
SIMILAR_SIZE_RATIO = 2.0
SUGGESTIONS = 8


def _counts(offer: Offer) -> dict:
    """Needs the annotations of `Offer.objects.with_counts()`."""
    return {
        "slug": offer.slug,
        "title": offer.title,
        "places": offer.places,
        "taken": offer.taken,
        "waitlisted": offer.waitlisted,
        "places_left": None if offer.places is None else max(offer.places - offer.taken, 0),
    }


def offers(event: Event) -> list[dict]:
    return [
        {**_counts(offer), "description": offer.description}
        for offer in Offer.objects.filter(event=event).with_counts()
    ]


def offer_counts(offer: Offer) -> dict:
    """One offer's places as they are now (the `offer` of a live `signup` event)."""
    return _counts(Offer.objects.with_counts().get(pk=offer.pk))


def network_members(event: Event) -> list[dict]:
    """Municipalities that joined the network, in the order they joined."""
    signups = (
        Signup.objects.filter(offer__event=event, offer__slug=NETWORK_SLUG, status=Signup.Status.ACCEPTED)
        .select_related("municipality")
        .order_by("pk")
    )
    return [
        {
            "municipality": signup.municipality.name,
            "province": signup.municipality.province,
            "created_at": signup.created_at,
        }
        for signup in signups
    ]


def network_snapshot(event: Event) -> dict:
    """What the public network pages need on (re)connect: places per offer and the members."""
    return {
        "type": "snapshot",
        "offers": [_counts(offer) for offer in Offer.objects.filter(event=event).with_counts()],
        "members": [
            {**member, "created_at": member["created_at"].isoformat()} for member in network_members(event)
        ],
    }


# The attendee directory. Only confirmed attendees who opted in are ever read from the database.


def listed(event: Event) -> "list[Registration]":
    return list(
        Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, directory_opt_in=True
        ).select_related("municipality")
    )


def may_see_directory(registration: Registration) -> bool:
    """Attendees see the directory while they are listed in it themselves."""
    return registration.is_confirmed and registration.directory_opt_in


@dataclass
class Entry:
    """One attendee as the directory shows them: never the e-mail address."""

    registration: Registration
    reasons: list[str] = field(default_factory=list)
    shared_interests: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.registration.full_name

    def as_dict(self) -> dict:
        registration = self.registration
        labels = dict(Theme.choices)
        return {
            "name": registration.full_name,
            "role": registration.role,
            "role_label": str(registration.get_role_display()),
            "municipality": registration.affiliation,
            "province": registration.municipality.province if registration.municipality_id else "",
            "interests": [code for code in registration.interests if code in labels],
            "interest_labels": [str(labels[code]) for code in registration.interests if code in labels],
            "talk_about": registration.talk_about,
            "reasons": self.reasons,
        }


def directory(
    event: Event,
    *,
    viewer: Registration | None = None,
    role: str = "",
    province: str = "",
    interest: str = "",
) -> list[Entry]:
    """Listed attendees, filtered, by name; the viewer is left out."""
    entries = []
    for registration in listed(event):
        if viewer is not None and registration.pk == viewer.pk:
            continue
        if role and registration.role != role:
            continue
        if province and (not registration.municipality_id or registration.municipality.province != province):
            continue
        if interest and interest not in registration.interests:
            continue
        entries.append(Entry(registration))
    entries.sort(
        key=lambda entry: (entry.registration.last_name.lower(), entry.registration.first_name.lower())
    )
    return entries


def _similar_size(one: int | None, other: int | None) -> bool:
    if not one or not other:
        return False
    return max(one, other) / min(one, other) <= SIMILAR_SIZE_RATIO


def suggestions(viewer: Registration, limit: int = SUGGESTIONS) -> list[Entry]:
    """People worth meeting: from other municipalities, with shared interests, and from
    municipalities like the viewer's (similar size when both populations are known, else the
    same province). Best matches first."""
    labels = dict(Theme.choices)
    mine = set(viewer.interests)
    home = viewer.municipality if viewer.municipality_id else None
    scored = []
    for registration in listed(viewer.event):
        if registration.pk == viewer.pk:
            continue
        theirs = registration.municipality if registration.municipality_id else None
        if home and theirs and theirs.pk == home.pk:
            continue  # they can meet at home
        shared = [code for code in registration.interests if code in mine and code in labels]
        similar = bool(home and theirs) and _similar_size(home.population, theirs.population)
        same_province = bool(home and theirs) and home.province == theirs.province
        score = 3 * len(shared) + 2 * similar + same_province
        if not score:
            continue
        reasons = []
        if shared:
            reasons.append(
                _("Shared interests: %(themes)s")
                % {"themes": ", ".join(str(labels[code]) for code in shared)}
            )
        if similar:
            reasons.append(_("A municipality of similar size"))
        if same_province:
            reasons.append(_("Also from %(province)s") % {"province": theirs.province})
        scored.append((-score, registration.last_name.lower(), Entry(registration, reasons, shared)))
    scored.sort(key=lambda item: item[:2])
    return [entry for _score, _name, entry in scored[:limit]]


# Contacts between attendees.


@dataclass
class Contacts:
    incoming: list[Contact]  # pending requests this attendee may accept
    outgoing: list[Contact]  # pending requests this attendee sent
    accepted: list[Contact]


def contacts_of(registration: Registration) -> Contacts:
    contacts = list(
        Contact.objects.involving(registration).select_related(
            "requester__municipality", "recipient__municipality"
        )
    )
    return Contacts(
        incoming=[
            c for c in contacts if c.status == Contact.Status.PENDING and c.recipient_id == registration.pk
        ],
        outgoing=[
            c for c in contacts if c.status == Contact.Status.PENDING and c.requester_id == registration.pk
        ],
        accepted=[c for c in contacts if c.status == Contact.Status.ACCEPTED],
    )


def accepted_contacts(registration: Registration) -> list[Registration]:
    """The other attendee of each accepted contact, by name, with the note of the request."""
    people = []
    for contact in (
        Contact.objects.involving(registration)
        .filter(status=Contact.Status.ACCEPTED)
        .select_related("requester__municipality", "recipient__municipality")
    ):
        person = contact.other(registration)
        person.contact_note = contact.note
        people.append(person)
    return sorted(people, key=lambda person: (person.last_name.lower(), person.first_name.lower()))
