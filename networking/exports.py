"""Networking's list for organisers (see events.exports): the municipalities' signups per offer,
with their waiting list positions and contacts."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.exports import EXPORTS, Export, Table
from events.models import Event
from events.times import local_time
from networking.models import Signup


def signups(event: Event) -> Table:
    entries = list(
        Signup.objects.filter(offer__event=event)
        .select_related("offer", "municipality")
        .prefetch_related("contacts")
        .order_by("offer__position", "offer__title", "created_at", "id")
    )
    waiting: dict[int, int] = {}
    rows = []
    for signup in entries:
        position = None
        if signup.status == Signup.Status.WAITLISTED:
            position = waiting[signup.offer_id] = waiting.get(signup.offer_id, 0) + 1
        rows.append(
            [
                signup.offer.title,
                signup.municipality.name,
                signup.municipality.province,
                str(signup.get_status_display()),
                position,
                ", ".join(contact.name for contact in signup.contacts.all()),
                ", ".join(contact.email for contact in signup.contacts.all()),
                signup.reference,
                local_time(signup.created_at),
                # Empty while the place is only held (its contact has not proved the address).
                local_time(signup.confirmed_at),
            ]
        )
    columns = [
        _("Offer"),
        _("Municipality"),
        _("Province"),
        _("Status"),
        _("Waiting list position"),
        _("Contact"),
        _("Contact e-mail"),
        _("Reference"),
        _("Signed up at"),
        _("Final since"),
    ]
    return Table(_("Network signups"), "netwerkaanmeldingen", columns, rows)


EXPORTS.register(Export("signups", gettext_lazy("Network signups"), signups))
