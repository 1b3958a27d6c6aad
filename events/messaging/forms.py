from django import forms
from django.utils.translation import gettext_lazy as _

from events.messaging.models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from events.messaging.services import Audience
from events.models import Municipality, Role, Workshop

CHECKED_IN = [("", _("Everyone")), ("yes", _("Checked in")), ("no", _("Not checked in"))]


class GroupMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain text; an empty line starts a new paragraph. Each person's mail adds their programme and private link."
        ),
    )
    workshop = forms.ModelChoiceField(
        label=_("Has a seat in"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label=_("Any workshop"),
    )
    waitlisted = forms.ModelChoiceField(
        label=_("Waits for a seat in"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label=_("No matter"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *Role.choices], required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Any municipality"),
    )
    checked_in = forms.ChoiceField(label=_("At the entrance"), choices=CHECKED_IN, required=False)
    # The number of recipients the organiser saw: sending to another number shows the preview again.
    expected = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        workshops = Workshop.objects.filter(round__event=event, round__kind="workshops").select_related(
            "round"
        )
        self.fields["workshop"].queryset = workshops
        self.fields["waitlisted"].queryset = workshops

    def audience(self) -> Audience:
        data = self.cleaned_data
        return Audience(
            workshop=data["workshop"].pk if data["workshop"] else None,
            waitlisted=data["waitlisted"].pk if data["waitlisted"] else None,
            role=data["role"],
            municipality=data["municipality"].pk if data["municipality"] else "",
            checked_in={"yes": True, "no": False}.get(data["checked_in"]),
        )
