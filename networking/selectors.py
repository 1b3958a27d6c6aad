"""Read queries of the networking app: offers and places (also for the organisers' dashboard), the
network's members, the attendee directory with its suggestions, and an attendee's contacts."""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.attendance import present_by_municipality
from events.models import Event, Municipality, Registration, Theme
from networking.geo import boundaries
from networking.models import NETWORK_SLUG, Contact, DirectoryProfile, Offer, Signup

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


def offers_with_last_signup(event: Event) -> list[dict]:
    """The offers with their counts, and which municipality signed up last (one query each): the
    dashboard's offers (networking.dashboard)."""
    latest = Signup.objects.filter(offer_id=OuterRef("pk")).order_by("-created_at", "-id")
    last = {
        row["slug"]: row
        for row in Offer.objects.filter(event=event)
        .annotate(
            last_municipality=Subquery(latest.values("municipality__name")[:1]),
            last_province=Subquery(latest.values("municipality__province")[:1]),
            last_status=Subquery(latest.values("status")[:1]),
            last_at=Subquery(latest.values("created_at")[:1]),
        )
        .values("slug", "last_municipality", "last_province", "last_status", "last_at")
    }
    rows = []
    for offer in offers(event):
        latest_row = last.get(offer["slug"], {})
        offer = {key: value for key, value in offer.items() if key != "description"}
        offer["last_signup"] = (
            {
                "municipality": latest_row["last_municipality"],
                "province": latest_row["last_province"],
                "status": latest_row["last_status"],
                "created_at": timezone.localtime(latest_row["last_at"]).isoformat(),
            }
            if latest_row.get("last_at")
            else None
        )
        rows.append(offer)
    return rows


@dataclass(frozen=True)
class OfferState:
    """Where a municipality stands for one offer: a place, a place in the waiting list, or none."""

    offer: Offer
    signup: Signup | None
    position: int | None  # in the waiting list, 1 the first in line

    @property
    def state(self) -> str:
        return self.signup.status if self.signup else "none"


def municipality_offers(event: Event, municipality: Municipality) -> list[OfferState]:
    """Every offer of the edition with the municipality's signup for it (a delegation's page)."""
    signups = {
        signup.offer_id: signup
        for signup in Signup.objects.filter(offer__event=event, municipality=municipality)
    }
    states = []
    for offer in Offer.objects.filter(event=event):
        signup = signups.get(offer.pk)
        states.append(OfferState(offer, signup, signup.waitlist_position() if signup else None))
    return states


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
        "map": map_figures(event),
    }


# The attendee directory. Only confirmed attendees who opted in are ever read from the database.


def directory_profile(registration: Registration) -> DirectoryProfile:
    """The attendee's profile; an empty one (not stored) when they never joined the directory."""
    try:
        return registration.directory_profile
    except DirectoryProfile.DoesNotExist:
        return DirectoryProfile(registration=registration)


def listed(event: Event) -> "list[Registration]":
    return list(
        Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, directory_profile__listed=True
        ).select_related("municipality", "directory_profile")
    )


def may_see_directory(registration: Registration) -> bool:
    """Attendees see the directory while they are listed in it themselves."""
    return registration.is_confirmed and directory_profile(registration).listed


@dataclass
class Entry:
    """One attendee as the directory shows them: never the e-mail address."""

    registration: Registration
    reasons: list[str] = field(default_factory=list)
    shared_interests: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.registration.full_name

    @property
    def profile(self) -> DirectoryProfile:
        return self.registration.directory_profile

    def as_dict(self) -> dict:
        registration, profile = self.registration, self.profile
        labels = dict(Theme.choices)
        return {
            "id": registration.pk,
            "name": registration.full_name,
            "role": registration.role,
            "role_label": str(registration.get_role_display()),
            "municipality": registration.affiliation,
            "province": registration.municipality.province if registration.municipality_id else "",
            "interests": [code for code in profile.interests if code in labels],
            "interest_labels": [str(labels[code]) for code in profile.interests if code in labels],
            "talk_about": profile.talk_about,
            "reasons": self.reasons,
        }


def directory(
    event: Event,
    *,
    viewer: Registration | None = None,
    role: str = "",
    province: str = "",
    interest: str = "",
    name: str = "",
) -> list[Entry]:
    """Listed attendees, filtered, by name; the viewer is left out. `name`: part of the full name,
    whatever the case ("vries" finds "de Vries")."""
    entries = []
    wanted = " ".join(name.split()).casefold()
    for registration in listed(event):
        if viewer is not None and registration.pk == viewer.pk:
            continue
        if wanted and wanted not in " ".join(registration.full_name.split()).casefold():
            continue
        if role and registration.role != role:
            continue
        if province and (not registration.municipality_id or registration.municipality.province != province):
            continue
        if interest and interest not in registration.directory_profile.interests:
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
    mine = set(directory_profile(viewer).interests)
    home = viewer.municipality if viewer.municipality_id else None
    scored = []
    for registration in listed(viewer.event):
        if registration.pk == viewer.pk:
            continue
        theirs = registration.municipality if registration.municipality_id else None
        if home and theirs and theirs.pk == home.pk:
            continue  # they can meet at home
        shared = [
            code for code in registration.directory_profile.interests if code in mine and code in labels
        ]
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


# The map of the Netherlands (networking.geo): per municipality who is here and what it signed up for.


def _map_entry(municipality: Municipality, present: int, signups: list[Signup]) -> dict:
    """One municipality on the map: its state (the colour), its figures, and the sentence that
    names them (the path's title, the focus caption)."""
    signed_up = bool(signups)
    state = "both" if present and signed_up else "present" if present else "signed-up" if signed_up else ""
    offers = {
        signup.offer.slug: str(Signup.Status(signup.status).label)
        for signup in sorted(signups, key=_by_offer)
    }
    parts = (
        [ngettext("%(n)s person present", "%(n)s people present", present) % {"n": present}]
        if present
        else []
    )
    if signups:
        chosen = ", ".join(
            f"{signup.offer.title} ({offers[signup.offer.slug]})" for signup in sorted(signups, key=_by_offer)
        )
        parts.append(_("signed up for %(offers)s") % {"offers": chosen})
    return {
        "code": municipality.code,
        "name": municipality.name,
        "state": state,
        "present": present,
        "offers": offers,
        "summary": f"{municipality.name}: " + "; ".join(parts) if parts else municipality.name,
    }


def _by_offer(signup: Signup) -> tuple[int, int]:
    return (signup.offer.position, signup.offer_id)


def map_figures(event: Event, codes: "list[str] | None" = None) -> list[dict]:
    """The municipalities with people checked in or a signup for one of the edition's offers (or
    just `codes`), by name; the others are blank on the map."""
    present = present_by_municipality(event.pk)
    signups = Signup.objects.filter(offer__event=event).select_related("offer", "municipality")
    if codes is not None:
        signups = signups.filter(municipality_id__in=codes)
        present = {code: n for code, n in present.items() if code in codes}
    by_code: dict[str, list[Signup]] = {}
    for signup in signups:
        by_code.setdefault(signup.municipality_id, []).append(signup)
    wanted = set(present) | set(by_code) if codes is None else set(codes)
    municipalities = Municipality.objects.filter(code__in=wanted).order_by("name")
    return [
        _map_entry(municipality, present.get(municipality.code, 0), by_code.get(municipality.code, []))
        for municipality in municipalities
    ]


def map_entry(event: Event, code: str) -> dict:
    """One municipality's figures now (the `map` of a live `signup` event)."""
    return map_figures(event, [code])[0]


def map_drawing(event: Event | None) -> dict:
    """The map of the Netherlands as the template draws it: every municipality's outline with its
    colour and figures, the same figures as table rows, and the offers as the table's columns."""
    figures = map_figures(event) if event is not None else []
    by_code = {entry["code"]: entry for entry in figures}
    names = dict(Municipality.objects.values_list("code", "name"))
    shapes = boundaries()
    areas = []
    for outline in shapes.outlines:
        name = names.get(outline.code, outline.name)
        entry = by_code.get(outline.code, {"state": "", "summary": name})
        areas.append(
            {
                "code": outline.code,
                "name": name,
                "path": outline.path,
                "state": entry["state"],
                "summary": entry["summary"],
            }
        )
    columns = offers(event) if event is not None else []
    rows = [
        {**entry, "cells": [entry["offers"].get(offer["slug"], "–") for offer in columns]} for entry in figures
    ]
    states = [entry["state"] for entry in figures]
    return {
        "view_box": shapes.view_box,
        "areas": areas,
        "rows": rows,
        "offers": [{"slug": offer["slug"], "title": offer["title"]} for offer in columns],
        "counts": {
            "present": states.count("present"),
            "signed_up": states.count("signed-up"),
            "both": states.count("both"),
        },
    }
