"""Run by `bench.pretix` inside pretix's own virtualenv (not ours): `python pretix_setup.py OUT N SCANNERS WARM`.

With pretix's settings (DJANGO_SETTINGS_MODULE=pretix.settings, PRETIX_CONFIG_FILE), on a migrated
database: an organizer, a live event, one admission product, a check-in list for all products,
N + WARM paid orders of one position each, and SCANNERS initialised devices with an API token
for all events, as pretixSCAN has after pairing. Writes what the load client needs to OUT (JSON):
the organizer's slug, the list's id, the device tokens, the measured and the warm-up secrets.

It imports nothing of ours: our packages are not installed in pretix's virtualenv.
"""

import json
import sys
from datetime import timedelta
from decimal import Decimal


def main(output: str, tickets: int, scanners: int, warm_up: int) -> None:
    import django

    django.setup()
    from django.db import transaction
    from django.utils.timezone import now
    from django_scopes import scopes_disabled
    from pretix.base.models import CheckinList, Device, Event, Item, Order, OrderPosition, Organizer
    from pretix.base.models.devices import generate_api_token

    with scopes_disabled(), transaction.atomic():
        organizer = Organizer.objects.create(name="Bench", slug="bench")
        event = Event.objects.create(
            organizer=organizer,
            name="Dag van de Lokale Democratie",
            slug="dld",
            date_from=now() + timedelta(hours=2),
            currency="EUR",
            live=True,
        )
        item = Item.objects.create(
            event=event, name="Admission", default_price=Decimal("0.00"), admission=True
        )
        checkin_list = CheckinList.objects.create(event=event, name="Entrance", all_products=True)
        channel = organizer.sales_channels.get(identifier="web")
        secrets = []
        for number in range(tickets + warm_up):
            order = Order.objects.create(
                event=event,
                status=Order.STATUS_PAID,
                email=f"attendee{number}@bench.example",
                locale="en",
                total=Decimal("0.00"),
                sales_channel=channel,
            )
            position = OrderPosition.objects.create(
                order=order,
                item=item,
                price=Decimal("0.00"),
                attendee_name_parts={"_legacy": f"Attendee {number}"},
            )
            order.create_transactions()  # pretix's own order code does this after each change
            secrets.append(position.secret)
        tokens = []
        for number in range(scanners):
            device = Device.objects.create(
                organizer=organizer,
                name=f"Scanner {number + 1}",
                all_events=True,
                initialized=now(),
                api_token=generate_api_token(),
                software_brand="pretixSCAN",
            )
            tokens.append(device.api_token)
    with open(output, "w") as handle:
        json.dump(
            {
                "organizer": organizer.slug,
                "event": event.slug,
                "list_id": checkin_list.pk,
                "tokens": tokens,
                "secrets": secrets[:tickets],
                "warm_up_secrets": secrets[tickets:],
            },
            handle,
        )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
