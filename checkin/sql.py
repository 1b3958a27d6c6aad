"""The door's hot path as SQL statements compiled once per process: the registration lock (with its
check-in and seat in the same query), the inserts of a check-in and a scan, and the dashboard's
totals after a scan.

Building these statements with the ORM cost more CPU than running them (bench/README.md, "Where the
time goes"). Only names from the models' metadata go into the text; every value is a parameter.
"""

from django.db import connection

from checkin.models import CheckIn
from events import badges
from events.models import Booking, Event, Municipality, Registration, Workshop, secret_hash


def lock_registration(
    event: Event, secret: str | None, reference: str | None = None, workshop: Workshop | None = None
) -> Registration | None:
    """The registration a badge (or, typed in by staff, a reference) belongs to, locked, with its
    municipality and, in the same query, its check-in at this place (`checkin_id`, `checked_in_at`)
    and, at a workshop's door, whether it has a seat there (`has_seat`).

    """
    if secret:
        key, value = "badge_hash", secret_hash(badges.secret_from_payload(secret))
    elif reference:
        key, value = "reference", reference.strip().upper()
    else:
        return None
    sql = _LOCK_SQL[key, workshop is not None, connection.features.has_select_for_update_of]
    params = [workshop.pk] * 3 if workshop is not None else []
    rows = list(Registration.objects.raw(sql, [*params, value, event.pk]))
    if not rows:
        return None
    registration = rows[0]
    registration.checked_in_at = _as_read_by_orm(
        CheckIn._meta.get_field("checked_in_at"), registration.checked_in_at
    )
    if registration.municipality_id is not None:
        registration.municipality = Municipality(
            code=registration.municipality_id,
            name=registration.municipality_name,
            province=registration.municipality_province,
            population=registration.municipality_population,
        )
    if workshop is None:
        registration.has_seat = False
    return registration


def _lock_sql(key: str, at_workshop: bool, lock: bool) -> str:
    # Only names from the models' metadata go into the text; every value is a parameter.
    registrations = Registration._meta.db_table
    columns = ", ".join(f"r.{field.column}" for field in Registration._meta.concrete_fields)
    checkins = CheckIn._meta.db_table
    here = "c.workshop_id = %s" if at_workshop else "c.workshop_id IS NULL"
    seat = (
        f", EXISTS (SELECT 1 FROM {Booking._meta.db_table} b WHERE b.registration_id = r.id"  # noqa: S608
        f" AND b.workshop_id = %s AND b.status = '{Booking.Status.BOOKED}') AS has_seat"
        if at_workshop
        else ""
    )
    return (
        f"SELECT {columns}, m.name AS municipality_name, m.province AS municipality_province,"  # noqa: S608
        " m.population AS municipality_population,"
        f" (SELECT c.id FROM {checkins} c WHERE c.registration_id = r.id AND {here}) AS checkin_id,"
        f" (SELECT c.checked_in_at FROM {checkins} c WHERE c.registration_id = r.id AND {here})"
        f" AS checked_in_at{seat}"
        f" FROM {registrations} r LEFT JOIN {Municipality._meta.db_table} m ON m.code = r.municipality_id"
        f" WHERE r.{key} = %s AND r.event_id = %s" + (" FOR UPDATE OF r" if lock else "")
    )


# (lookup column, at a workshop's door, FOR UPDATE supported) → statement. SQLite has no row
# locks: its transactions take the database's write lock at BEGIN (transaction_mode IMMEDIATE).
_LOCK_SQL = {
    (key, at_workshop, lock): _lock_sql(key, at_workshop, lock)
    for key in ("badge_hash", "reference")
    for at_workshop in (False, True)
    for lock in (False, True)
}


def _as_read_by_orm(field, value):
    """A column read with plain SQL, converted as the ORM converts it (SQLite gives text for times)."""
    column = field.get_col(field.model._meta.db_table)
    for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = converter(value, column, connection)
    return value


def insert(instance):
    """`instance.save()` of a new row, as a statement compiled once per model (the door's hot path:
    see _lock_registration). Fields get what save() would give them (auto_now_add included)."""
    model = type(instance)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    if (sql := _INSERT_SQL.get(model)) is None:
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        sql = _INSERT_SQL[model] = (
            f"INSERT INTO {model._meta.db_table} ({columns})"  # noqa: S608 (names from the model)
            f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {model._meta.pk.column}"
        )
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    return instance


_INSERT_SQL: dict[type, str] = {}


# The dashboard's three totals after a scan, each an indexed count: entrance check-ins of the
# event (bounded by the attendees), check-ins at the scan's workshop, and those of the scan's
# device (a device belongs to one event) or, for an organiser's own scans, of that user at this
# event.
_CHECKINS = CheckIn._meta.db_table
_OF_EVENT = f"{_CHECKINS} c JOIN {Registration._meta.db_table} r ON r.id = c.registration_id"
_ENTRANCE_SQL = f"SELECT COUNT(*) FROM {_OF_EVENT} WHERE c.workshop_id IS NULL AND r.event_id = %s"  # noqa: S608
_TOTALS_SQL = {
    "device": (
        f"SELECT ({_ENTRANCE_SQL}),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {_CHECKINS} c WHERE c.workshop_id = %s),"
        f" (SELECT COUNT(*) FROM {_CHECKINS} c WHERE c.device_id = %s)"
    ),
    "user": (
        f"SELECT ({_ENTRANCE_SQL}),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {_CHECKINS} c WHERE c.workshop_id = %s),"
        f" (SELECT COUNT(*) FROM {_OF_EVENT} WHERE c.device_id IS NULL AND c.user_id = %s AND r.event_id = %s)"
    ),
}


def checkin_totals(
    event_id: int, workshop_id: int | None, device_id: int | None, user_id: int | None
) -> dict:
    """Check-ins at the entrance of the event, at the workshop, and by the device (or the user)."""
    if device_id:
        sql, params = _TOTALS_SQL["device"], [event_id, workshop_id, device_id]
    else:
        sql, params = _TOTALS_SQL["user"], [event_id, workshop_id, user_id, event_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        checked_in, workshop_checked_in, source_checked_in = cursor.fetchone()
    return {
        "checked_in": checked_in,
        "workshop_checked_in": workshop_checked_in,
        "source_checked_in": source_checked_in,
    }
