"""Check-in's lists for organisers (attendees, door lists per workshop, check-ins), registered as
exports of the dashboard (events.exports), and how every export is rendered: CSV or XLSX.
"""

import csv
import io
from datetime import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checkin.models import CheckIn
from events.exports import EXPORTS, Export, Table
from events.models import Booking, Event, Registration, Workshop
from events.questions.services import answer_columns
from events.times import local_time

# Dutch surname particles (tussenvoegsels): "de Vries" is filed under V, as Dutch lists do.
PARTICLES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "te",
        "ten",
        "ter",
        "in",
        "op",
        "aan",
        "'s",
        "d'",
        "du",
        "la",
        "le",
    }
)
# A cell starting with one of these is a formula to a spreadsheet program: a name typed into the
# public form such as "=HYPERLINK(…)" must stay text (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def surname_key(last_name: str) -> str:
    """Sort key of a surname without its leading particles: "van der Berg" → "berg"."""
    words = last_name.split()
    while len(words) > 1 and words[0].casefold() in PARTICLES:
        words = words[1:]
    return " ".join(words).casefold()


def person_key(registration: Registration) -> tuple[str, str, str]:
    return (
        surname_key(registration.last_name),
        registration.last_name.casefold(),
        registration.first_name.casefold(),
    )


def municipality_key(registration: Registration) -> tuple:
    return (registration.affiliation.casefold(), *person_key(registration))


def _role(registration: Registration) -> str:
    return str(registration.get_role_display())


def attendees(event: Event) -> Table:
    entrance = CheckIn.objects.filter(workshop__isnull=True)
    booked = Booking.objects.filter(status=Booking.Status.BOOKED).select_related("workshop", "round")
    questions, answers = answer_columns(event)
    registrations = sorted(
        Registration.objects.filter(event=event)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("checkins", queryset=entrance, to_attr="entrance"),
            Prefetch("bookings", queryset=booked.order_by("round__starts_at"), to_attr="seats"),
        ),
        key=person_key,
    )
    rows = [
        [
            registration.reference,
            registration.last_name,
            registration.first_name,
            registration.email,
            _role(registration),
            registration.municipality.name if registration.municipality_id else "",
            registration.municipality.province if registration.municipality_id else "",
            registration.organisation,
            str(registration.get_status_display()),
            local_time(registration.created_at),
            local_time(registration.entrance[0].checked_in_at) if registration.entrance else None,
            ", ".join(booking.workshop.title for booking in registration.seats),
            registration.needs,
            *answers.get(registration.pk, [""] * len(questions)),
        ]
        for registration in registrations
    ]
    columns = [
        _("Reference"),
        _("Last name"),
        _("First name"),
        _("E-mail address"),
        _("Role"),
        _("Municipality"),
        _("Province"),
        _("Organisation"),
        _("Status"),
        _("Registered at"),
        _("Checked in at"),
        _("Workshops"),
        _("Needs"),
        *questions,  # the organisers' questions, one column each
    ]
    return Table(_("Attendees"), "deelnemers", columns, rows)


def door_list_rows(workshop: Workshop) -> list[dict]:
    """Everyone booked or waiting for a workshop, alphabetically by surname, with the waitlist after."""
    bookings = list(
        workshop.bookings.filter(registration__status=Registration.Status.CONFIRMED)
        .select_related("registration__municipality")
        .order_by("created_at", "id")
    )
    present = dict(workshop.checkins.values_list("registration_id", "checked_in_at"))
    waiting = [booking for booking in bookings if booking.status == Booking.Status.WAITLISTED]
    position = {booking.pk: number for number, booking in enumerate(waiting, start=1)}
    seated = sorted(
        (booking for booking in bookings if booking.status == Booking.Status.BOOKED),
        key=lambda booking: person_key(booking.registration),
    )
    return [
        {
            "registration": booking.registration,
            "status": booking.status,
            "position": position.get(booking.pk),
            "checked_in_at": present.get(booking.registration_id),
        }
        for booking in seated + waiting
    ]


def bookings(event: Event, workshop: Workshop | None = None) -> Table:
    workshops = (
        [workshop]
        if workshop
        else Workshop.objects.filter(round__event=event, round__kind="workshops")
        .select_related("round", "room")
        .order_by("round__starts_at", "title")
    )
    rows = []
    for item in workshops:
        for line in door_list_rows(item):
            registration = line["registration"]
            rows.append(
                [
                    item.round.label,
                    item.title,
                    item.room.name,
                    registration.last_name,
                    registration.first_name,
                    registration.affiliation,
                    _role(registration),
                    _("booked") if line["status"] == Booking.Status.BOOKED else _("waitlisted"),
                    line["position"],
                    local_time(line["checked_in_at"]),
                ]
            )
    columns = [
        _("Round"),
        _("Workshop"),
        _("Room"),
        _("Last name"),
        _("First name"),
        _("Municipality or organisation"),
        _("Role"),
        _("Status"),
        _("Waiting list position"),
        _("Checked in at"),
    ]
    filename = f"deurlijst-{workshop.slug}" if workshop else "deurlijsten"
    return Table(_("Door lists"), filename, columns, rows)


def checkins(event: Event) -> Table:
    entries = (
        CheckIn.objects.filter(registration__event=event)
        .select_related("registration__municipality", "workshop", "device", "user")
        .order_by("checked_in_at", "id")
    )
    rows = [
        [
            local_time(entry.checked_in_at),
            entry.workshop.title if entry.workshop_id else _("Entrance"),
            entry.registration.last_name,
            entry.registration.first_name,
            entry.registration.affiliation,
            _role(entry.registration),
            entry.device.name if entry.device_id else (entry.user.get_username() if entry.user_id else ""),
        ]
        for entry in entries
    ]
    columns = [
        _("Checked in at"),
        _("Place"),
        _("Last name"),
        _("First name"),
        _("Municipality or organisation"),
        _("Role"),
        _("Scanned by"),
    ]
    return Table(_("Check-ins"), "incheckingen", columns, rows)


EXPORTS.register(Export("attendees", gettext_lazy("Attendees"), attendees))
EXPORTS.register(Export("bookings", gettext_lazy("Door lists of all workshops"), bookings))
EXPORTS.register(Export("checkins", gettext_lazy("Check-ins"), checkins))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark and `;` between fields: what Excel with Dutch regional settings
    opens correctly on a double click (it uses `,` as the decimal sign, so `;` separates lists, and
    without the BOM it reads "Fryslân" as Windows-1252). LibreOffice and the csv module read it too."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_safe(_text(value)) if isinstance(value, str) else _text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]  # Excel's limit for sheet names
    sheet.append(table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(row)
    widths = [len(column) for column in table.columns]
    for row_cells in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row_cells):
            if isinstance(cell.value, str):
                if cell.data_type == "f":
                    cell.data_type = "s"  # text that looks like a formula stays text
                widths[index] = max(widths[index], min(len(cell.value), 60))
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
                widths[index] = max(widths[index], 16)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RENDERERS = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
