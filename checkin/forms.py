"""Organisers' forms for scanner devices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from checkin.selectors import doors
from events.models import Event, Workshop


class DoorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, workshop: Workshop) -> str:
        return f"{workshop.round.label}: {workshop.title} ({workshop.room.name})"


def _door_field() -> DoorChoiceField:
    return DoorChoiceField(
        label=_("Door"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label=_("Entrance"),
        help_text=_("Where it scans: the entrance, or a workshop's door (can also be changed on the phone)."),
    )


class DeviceDoorForm(forms.Form):
    workshop = _door_field()

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = doors(event)


class DeviceForm(DeviceDoorForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Named after its door, e.g. 'Entrance north' or 'Room A'."),
    )
    field_order = ["name", "workshop"]
