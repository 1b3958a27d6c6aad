"""Validation of what municipalities and attendees type, shared by the pages and the API."""

import re

from django import forms
from django.contrib.auth.base_user import BaseUserManager
from django.utils.translation import gettext_lazy as _

from events.models import Event, Municipality, Province, Role, Theme, max_length
from events.selectors import search_municipalities
from networking.models import DirectoryProfile, Offer, SignupContact

# "GM0307", "0307", or a datalist choice such as "Amersfoort (GM0307)".
CODE_PATTERN = re.compile(r"(?:^|\()\s*(?:GM)?(\d{4})\s*\)?$", re.IGNORECASE)
MAX_SUGGESTIONS = 6
# What may be typed to find a municipality: its longest name, or a list choice "Name (GM0307)".
LOOKUP_MAX_LENGTH = max_length(Municipality, "name") + len(" (GM0000)")


def municipality_label(municipality: Municipality) -> str:
    """How a municipality is offered in the search list, and read back by match_municipality."""
    return f"{municipality.name} ({municipality.code})"


def match_municipality(text: str) -> Municipality:
    """The one municipality meant by a CBS code, a name, or the start of a name; else a
    ValidationError that names the candidates."""
    text = " ".join(text.split())
    if not text:
        raise forms.ValidationError(_("Enter the name or CBS code of your municipality."), code="required")
    if code := CODE_PATTERN.search(text):
        municipality = Municipality.objects.filter(code="GM" + code.group(1)).first()
        if municipality is not None:
            return municipality
        raise forms.ValidationError(_("There is no municipality with this CBS code."), code="unknown")
    exact = list(Municipality.objects.filter(name__iexact=text))
    if len(exact) == 1:
        return exact[0]
    candidates = list(search_municipalities(text)[: MAX_SUGGESTIONS + 1])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise forms.ValidationError(
            _("We do not know a municipality called “%(name)s”."), params={"name": text}, code="unknown"
        )
    raise forms.ValidationError(
        _("Several municipalities match: %(names)s. Choose one from the list or type its CBS code."),
        params={"names": "; ".join(municipality_label(m) for m in candidates[:MAX_SUGGESTIONS])},
        code="ambiguous",
    )


class MunicipalityLookupField(forms.CharField):
    def clean(self, value) -> Municipality:
        return match_municipality(super().clean(value))


class SignupForm(forms.Form):
    municipality = MunicipalityLookupField(
        label=_("Municipality"),
        max_length=LOOKUP_MAX_LENGTH,
        error_messages={"required": _("Enter the name or CBS code of your municipality.")},
        help_text=_("Type the name or the CBS code (e.g. GM0307) and choose from the list."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=max_length(SignupContact, "name"))
    contact_role = forms.CharField(
        label=_("Your role"),
        max_length=max_length(SignupContact, "role"),
        required=False,
        help_text=_("E.g. council clerk, alderman, policy adviser."),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"), max_length=max_length(SignupContact, "email")
    )
    offers = forms.ModelMultipleChoiceField(
        label=_("What does your municipality sign up for?"),
        queryset=Offer.objects.none(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one offer.")},
    )
    # Optional for API clients; the signup page requires it (SignupPageForm). Stored with its time.
    consent = forms.BooleanField(required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["offers"].queryset = Offer.objects.filter(event=event)

    def clean_contact_name(self) -> str:
        return " ".join(self.cleaned_data["contact_name"].split())

    def clean_contact_role(self) -> str:
        return " ".join(self.cleaned_data["contact_role"].split())

    def clean_contact_email(self) -> str:
        return BaseUserManager.normalize_email(self.cleaned_data["contact_email"].strip())


class SignupPageForm(SignupForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that Democratie in Actie keeps these contact details to arrange the offers "
            "chosen and to invite my municipality to the network"
        ),
        required=True,
        error_messages={"required": _("Without your consent we cannot process the signup.")},
    )


class DirectoryFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False)
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("All provinces")), *Province.choices], required=False
    )
    interest = forms.ChoiceField(
        label=_("Theme"), choices=[("", _("All themes")), *Theme.choices], required=False
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class DirectoryProfileForm(forms.Form):
    """What an attendee shows in the attendee directory, only while opted in: on their own page, and
    on the registration form and API (networking.extras)."""

    directory_opt_in = forms.BooleanField(
        label=_("List me in the attendee directory so other attendees can find me"),
        required=False,
        help_text=_(
            "Other listed attendees see your name, role and municipality, and the themes and the line "
            "below if you fill them in; never your e-mail address."
        ),
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
        max_length=max_length(DirectoryProfile, "talk_about"),
        required=False,
        help_text=_("One short line, e.g. a question you are working on."),
    )

    def clean_talk_about(self) -> str:
        return " ".join(self.cleaned_data["talk_about"].split())
