"""Organisers' forms: scanner devices, a walk-in, a phone-in and a correction at the desk, and the
filters of the history page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from checkin.models import Device
from checkin.selectors import doors
from checkin.services import BULK_MAX, is_short_code
from events import audit
from events.forms import PersonForm, RegistrationForm
from events.models import AuditEntry, Event, Role, Room, Workshop, max_length


class DoorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, workshop: Workshop) -> str:
        return f"{workshop.round.label}: {workshop.title} ({workshop.room.name})"


def _door_field() -> DoorChoiceField:
    return DoorChoiceField(
        label=_("Chosen session"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label=_("Follow the clock"),
        help_text=_(
            "Checked instead of what the clock says, until that session ends (the steward can also "
            "choose it on the phone)."
        ),
    )


def _room_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Door"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=_("Entrance"),
        help_text=_(
            "The entrance, or a room's door: that checks the room's session under way, or the next "
            "from shortly before it starts."
        ),
    )


class DeviceDoorForm(forms.Form):
    room = _room_field()
    workshop = _door_field()

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(event=event).order_by("name")
        self.fields["workshop"].queryset = doors(event)


class DeviceForm(DeviceDoorForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=max_length(Device, "name"),
        help_text=_("Named after its door, e.g. 'Entrance north' or 'Room A'."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Device.Kind.choices,
        initial=Device.Kind.SCANNER,
        required=False,  # a scanner, unless chosen otherwise
        help_text=_(
            "A kiosk, registration desk or self check-in tablet is the browser at the venue that "
            "opens the pairing link; a kiosk or desk is then not held to the limits per address."
        ),
    )
    field_order = ["name", "kind", "room", "workshop"]

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or Device.Kind.SCANNER


class BulkDevicesForm(forms.Form):
    """Many devices at once, for one printed sheet of pairing codes."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Device.Kind.choices, initial=Device.Kind.SCANNER)
    prefix = forms.CharField(
        label=_("Name prefix"),
        max_length=max_length(Device, "name") - 3,  # room for " 50"
        help_text=_("Numbered after it: 'Scanner' makes Scanner 1, Scanner 2, …"),
    )
    count = forms.IntegerField(label=_("Number of devices"), min_value=1, max_value=BULK_MAX, initial=10)
    field_order = ["kind", "prefix", "count"]


class ShortCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Pairing code"),
        max_length=20,
        help_text=_("The 8 characters under the QR code, e.g. ABCD-EFGH."),
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if not is_short_code(code):
            raise forms.ValidationError(_("A pairing code has 8 letters and digits, e.g. ABCD-EFGH."))
        return code


class DateInput(forms.DateInput):
    input_type = "date"


class HistoryFilterForm(forms.Form):
    """What the history page shows: by action, kind of object, door, who, and days (Amsterdam)."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    door = forms.ChoiceField(
        label=_("Through"), required=False, choices=[("", _("Every channel")), *AuditEntry.Door.choices]
    )
    actor = forms.ChoiceField(label=_("By"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput(format="%Y-%m-%d"))
    until = forms.DateField(
        label=_("Up to and including"), required=False, widget=DateInput(format="%Y-%m-%d")
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        found = audit.options(event)
        self.fields["action"].choices = [("", _("All actions")), *found["action"]]
        self.fields["kind"].choices = [("", _("All kinds")), *found["kind"]]
        self.fields["actor"].choices = [("", _("Everyone")), *found["actor"]]

    def entries(self, entries):
        """The entries these filters let through (all of them while the filters are not valid)."""
        return audit.filtered(entries, **self.cleaned_data) if self.is_valid() else entries


class DeskWalkInForm(RegistrationForm):
    """Someone not registered, at the desk: the registration's own fields and rules. The desk's
    page leaves out the workshops (a walk-in takes a free seat at a workshop's door: none sent, none
    booked) and the needs."""

    needs = None


class PhoneInForm(RegistrationForm):
    """Someone who phones the organisers: the registration's own fields and rules, with their
    workshops (one per round); no needs or invitation code asked over the phone."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])
    needs = None
    code = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autofocus"] = True  # the caller's name comes first


class CorrectPersonForm(PersonForm):
    """A misspelt name or a wrong role, fixed at the desk: the same fields and rules as registering."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])
