"""What the apps built on the core add to a registration (see events.registry), registered in their
`extras.py`: fields on the registration form and in the API, which the app stores itself, and
panels on the attendee's own page and on a delegation coordinator's page.

So the registration page and `POST /api/v1/registrations` take networking's directory profile,
and `events.services.register` has it stored in its own transaction, while the core knows neither
the fields nor the table they end up in.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django import forms
from ninja import Schema

from events.models import Registration
from events.registry import Registry


@dataclass(frozen=True)
class RegistrationExtra:
    # The fields and their cleaning, added to the registration form (page and API).
    form: type[forms.Form]
    # The same fields in the API's registration body, and what the registration's answer shows.
    schema_in: type[Schema]
    schema_out: type[Schema]
    # Renders the fields on the registration page (its context has the page's `form`).
    template: str
    # Stores the cleaned values of its fields (those given) for a new registration, inside the
    # transaction that creates it.
    save: Callable[[Registration, dict], object]
    # The values of `schema_out` for a registration.
    read: Callable[[Registration], dict]

    @property
    def fields(self) -> list[str]:
        return list(self.form.base_fields)


REGISTRATION_EXTRAS: Registry[RegistrationExtra] = Registry("extras")

# Templates included on the attendee's own page (events/manage.html), in order; their context is
# the page's: `registration`, `token`, `request`.
ATTENDEE_PANELS: Registry[str] = Registry("extras")

# Templates included on a delegation coordinator's page (events/delegation.html), after the people,
# so that the municipality sees everything it has on one page; their context is the page's:
# `delegation`, `event`, `token`, `request`.
DELEGATION_PANELS: Registry[str] = Registry("extras")


@cache
def with_extra_fields(form_class: type[forms.Form]) -> type[forms.Form]:
    """`form_class` with every extra's fields after its own (and their clean_<field> methods)."""
    extras = [extra.form for extra in REGISTRATION_EXTRAS]
    return type(form_class.__name__, (form_class, *extras), {})


@cache
def with_extra_schema(schema: type[Schema], side: str) -> type[Schema]:
    """`schema` (under its own name) with the fields of every extra's `schema_in` or `schema_out`
    after its own: pydantic collects the fields of the bases from the last one."""
    parts = [getattr(extra, f"schema_{side}") for extra in REGISTRATION_EXTRAS]
    return type(schema.__name__, (*reversed(parts), schema), {})


def save_extras(registration: Registration, values: dict) -> None:
    """Hand each extra the values of its fields; a value no extra takes is a programming error."""
    extras = list(REGISTRATION_EXTRAS)
    unknown = set(values) - {name for extra in extras for name in extra.fields}
    if unknown:
        raise TypeError(f"register() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    for extra in extras:
        extra.save(registration, {name: values[name] for name in extra.fields if name in values})


def read_extras(registration: Registration) -> dict:
    values: dict = {}
    for extra in REGISTRATION_EXTRAS:
        values.update(extra.read(registration))
    return values


# The core's own panels: the way into a room's polls and questions; notifications on the phone.
ATTENDEE_PANELS.register("events/room/_manage_room.html")
ATTENDEE_PANELS.register("events/webpush/_manage_push.html")
