"""Validation of what attendees type, shared by the HTML pages and the API."""

from django import forms
from django.contrib.auth.base_user import BaseUserManager
from django.utils.translation import gettext_lazy as _

from events.errors import RegistrationError
from events.models import Event, Municipality, Role, Theme, Workshop
from events.services import check_one_per_round


class WorkshopPerRound(forms.SelectMultiple):
    """Reads `workshops` as a list (API), or one radio group `round-<id>` per round (HTML form)."""

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return [value for key, value in data.items() if key.startswith("round-") and value]


class MunicipalityField(forms.ModelChoiceField):
    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class WorkshopChoiceForm(forms.Form):
    """One workshop per round, from the bookable workshops of the event."""

    workshops = forms.ModelMultipleChoiceField(
        label=_("Workshops"), queryset=Workshop.objects.none(), required=False, widget=WorkshopPerRound
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["workshops"].queryset = Workshop.objects.filter(
            round__event=event, round__kind="workshops", status=Workshop.Status.SCHEDULED
        ).select_related("round")

    def clean_workshops(self):
        workshops = self.cleaned_data["workshops"]
        try:
            check_one_per_round(workshops)
        except RegistrationError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return workshops


class DirectoryProfileForm(forms.Form):
    """What an attendee shows in the attendee directory (networking), only while opted in."""

    directory_opt_in = forms.BooleanField(
        label=_("List me in the attendee directory so other attendees can find me"),
        required=False,
        help_text=_("Optional. Only your name, role and municipality are shown; never your e-mail address."),
    )
    interests = forms.MultipleChoiceField(
        label=_("Themes that interest you"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown in the directory, and used to suggest people to meet."),
    )
    talk_about = forms.CharField(
        label=_("I would like to talk about"),
        max_length=200,
        required=False,
        help_text=_("One short line, e.g. a question you are working on."),
    )

    def clean_talk_about(self) -> str:
        return " ".join(self.cleaned_data["talk_about"].split())


class RegistrationForm(WorkshopChoiceForm, DirectoryProfileForm):
    field_order = [
        "first_name",
        "last_name",
        "email",
        "role",
        "municipality",
        "organisation",
        "workshops",
        "needs",
        "directory_opt_in",
        "interests",
        "talk_about",
    ]

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Your role"), choices=[("", "—"), *Role.choices])
    municipality = MunicipalityField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("— not from a municipality —"),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Only if you do not come on behalf of a municipality."),
    )
    needs = forms.CharField(
        label=_("Accessibility or dietary needs"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Only used to prepare the day; erased after the event."),
    )

    def clean_first_name(self) -> str:
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self) -> str:
        return self.cleaned_data["last_name"].strip()

    def clean_email(self) -> str:
        return BaseUserManager.normalize_email(self.cleaned_data["email"].strip())

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("municipality")
            and not cleaned.get("organisation", "").strip()
            and "municipality" not in self.errors
        ):
            self.add_error(
                "organisation", _("Choose your municipality, or name the organisation you come from.")
            )
        return cleaned


class RegistrationPageForm(RegistrationForm):
    """The web form also asks for explicit consent to the privacy statement."""

    privacy = forms.BooleanField(
        label=_(
            "I have read the privacy statement and agree that my registration is processed for this event"
        ),
        required=True,
        error_messages={"required": _("Without your consent we cannot register you.")},
    )
