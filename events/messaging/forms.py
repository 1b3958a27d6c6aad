from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from events.messaging import audiences
from events.messaging.models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, ScheduledMail
from events.messaging.scheduling import MAX_DAYS_BEFORE
from events.messaging.services import Audience
from events.models import Delegation, Municipality, Province, Role, Round, Workshop

CHECKED_IN = [("", _("Everyone")), ("yes", _("Checked in")), ("no", _("Not checked in"))]


class GroupMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            'An empty line starts a new paragraph; **bold**; lines starting with "- " make a list; '
            "https:// addresses become links. Each person's mail adds their programme and private link."
        ),
    )
    practical = forms.BooleanField(
        label=_("Practical: about their bookings"),
        required=False,
        help_text=_("Also reaches those who opted out of messages. Only for news about their own programme."),
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
    round = forms.ModelChoiceField(
        label=_("Has a seat in a workshop of"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("Any round"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *Role.choices], required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Any municipality"),
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("Any province")), *Province.choices], required=False
    )
    delegation = forms.ModelChoiceField(
        label=_("Member of the delegation"),
        queryset=Delegation.objects.none(),
        required=False,
        empty_label=_("Any delegation"),
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
        self.fields["round"].queryset = Round.objects.filter(event=event, kind=Round.Kind.WORKSHOPS)
        self.fields["delegation"].queryset = Delegation.objects.filter(event=event).select_related(
            "municipality"
        )
        self.fields["delegation"].label_from_instance = lambda delegation: (
            f"{delegation.municipality.name} ({delegation.full_name}, {delegation.reference})"
        )
        # Filters other apps add (networking's offers), one choice each.
        self.extra_keys = []
        for item in audiences.FILTERS:
            name = f"extra_{item.key}"
            self.fields[name] = forms.ChoiceField(
                label=item.label, choices=[("", item.empty_label), *item.choices(event)], required=False
            )
            self.extra_keys.append((item.key, name))

    def extra_fields(self):
        return [self[name] for _key, name in self.extra_keys]

    def audience(self) -> Audience:
        data = self.cleaned_data
        return Audience(
            workshop=data["workshop"].pk if data["workshop"] else None,
            waitlisted=data["waitlisted"].pk if data["waitlisted"] else None,
            round=data["round"].pk if data["round"] else None,
            role=data["role"],
            municipality=data["municipality"].pk if data["municipality"] else "",
            province=data["province"],
            delegation=data["delegation"].pk if data["delegation"] else None,
            checked_in={"yes": True, "no": False}.get(data["checked_in"]),
            extra=tuple((key, data[name]) for key, name in self.extra_keys if data[name]),
        )


class ScheduledMailForm(GroupMessageForm):
    """A mail to send later: the reminder, or a message to a group with the composer's choices, at
    "N days before the event at HH:MM" or at a moment. The service checks the combination."""

    kind = forms.ChoiceField(label=_("What to send"), choices=ScheduledMail.Kind.choices)
    days_before = forms.IntegerField(
        label=_("Days before the event"), required=False, min_value=0, max_value=MAX_DAYS_BEFORE
    )
    time_of_day = forms.TimeField(
        label=_("At (time)"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    send_at = forms.DateTimeField(
        label=_("Or at a moment"),
        required=False,
        help_text=_("Date and time in Dutch time. Leave empty when you chose days before the event."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reminder has its own text; a message's subject and text are checked by the service.
        self.fields["subject"].required = False
        self.fields["body"].required = False
        self.fields["body"].help_text = format_lazy(
            "{} {}", _("Only for a message to a group."), self.fields["body"].help_text
        )
