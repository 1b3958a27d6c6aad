"""Validation of what attendees type, shared by the HTML pages and the API."""

from django import forms
from django.contrib.auth.base_user import BaseUserManager
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import selectors
from events.errors import InvalidInput, RegistrationError
from events.models import (
    Delegation,
    Event,
    InvitationCode,
    Municipality,
    Registration,
    Role,
    Workshop,
    max_length,
)
from events.questions.forms import QuestionFields
from events.questions.services import clean_answers, field_name
from events.services import check_one_per_round
from events.services.delegations import registered_alone
from events.services.registration import code_problem
from events.validators import single_line


class WorkshopPerRound(forms.SelectMultiple):
    """Reads `workshops` as a list (API), or one radio group `round-<id>` per round (HTML form)."""

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return [value for key, value in data.items() if key.startswith("round-") and value]


class MunicipalityField(forms.ModelChoiceField):
    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class PersonForm(forms.Form):
    """A person's name (single lines, trimmed) and the normalised `email` the subclass declares."""

    first_name = forms.CharField(
        label=_("First name"), max_length=max_length(Registration, "first_name"), validators=[single_line]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=max_length(Registration, "last_name"), validators=[single_line]
    )

    def clean_first_name(self) -> str:
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self) -> str:
        return self.cleaned_data["last_name"].strip()

    def clean_email(self) -> str:
        return BaseUserManager.normalize_email(self.cleaned_data["email"].strip())


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


class RegistrationForm(PersonForm, WorkshopChoiceForm):
    """The core's fields; the pages and the API add the other apps' (events.extras.with_extra_fields)."""

    field_order = [
        "first_name",
        "last_name",
        "email",
        "role",
        "municipality",
        "organisation",
        "workshops",
        "needs",
        "code",
    ]

    email = forms.EmailField(label=_("E-mail address"), max_length=max_length(Registration, "email"))
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
        max_length=max_length(Registration, "organisation"),
        required=False,
        validators=[single_line],
        help_text=_("Only if you do not come on behalf of a municipality."),
    )
    needs = forms.CharField(
        label=_("Accessibility or dietary needs"),
        max_length=max_length(Registration, "needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only used to prepare the day; erased after the event."),
    )

    code = forms.CharField(
        label=_("Invitation code"),
        max_length=max_length(InvitationCode, "code"),
        required=False,
        help_text=_("Only if the organisers gave you one."),
    )

    def clean_code(self) -> InvitationCode | None:
        """Unknown, expired or used up: said on the field (the service counts the use under a lock)."""
        if not self.cleaned_data["code"].strip():
            return None
        code = selectors.invitation_code(self.event, self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("This code is not known."), code="code_unknown")
        if problem := code_problem(code, timezone.now()):
            raise forms.ValidationError(problem.message, code=problem.code)
        return code

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


class ResendForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=max_length(Registration, "email"))

    def clean_email(self) -> str:
        return BaseUserManager.normalize_email(self.cleaned_data["email"].strip())


class RegistrationPageForm(QuestionFields, RegistrationForm):
    """The web form also asks the organisers' questions (as fields `answers.<id>`; the API takes
    them as one `answers` object), and asks the attendee to confirm they read the privacy statement.
    Not a consent: registering is processed to perform the registration (AVG art. 6(1)(b)), as the
    statement says; only the directory and contacts rest on consent, asked for separately."""

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, event=event, **kwargs)
        self.add_question_fields(event)

    def registration_data(self) -> dict:
        """What events.services.register takes: the person's fields and their `answers`."""
        answer_fields = set(self.fields) - set(self.base_fields)
        data = {name: value for name, value in self.cleaned_data.items() if name not in answer_fields}
        del data["privacy"]
        return {**data, "answers": self.answers()}

    privacy = forms.BooleanField(
        label=_(
            "I have read the privacy statement: what is kept about my registration, why and for how long"
        ),
        required=True,
        error_messages={"required": _("Please confirm that you have read the privacy statement.")},
    )


class DelegationMemberForm(PersonForm, WorkshopChoiceForm):
    """One person of a delegation. Without an e-mail address the coordinator manages them."""

    email = forms.EmailField(
        label=_("E-mail address"), max_length=max_length(Registration, "email"), required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])


class AskedPerPerson(QuestionFields):
    """Mixin of a delegation form that asks one person the organisers' questions: every question
    shows, with the roles it is for, since the person's role may still change (questions.js hides
    the others); clean_delegation or the service checks the answers for the person's role."""

    def full_clean(self):
        """The fields' own messages about answers are left out: the check's, for the person's role,
        are put on them (and a refused value is passed on by given_answers)."""
        super().full_clean()
        for question in self.questions:
            self._errors.pop(field_name(question), None)

    def given_answers(self) -> dict:
        """The person's answers in the API's shape (`{"<id>": value}`). A value its field refuses
        (a tampered option) is passed on as sent, for clean_answers to say what is wrong with it."""
        answers = {}
        for question in self.questions:
            name = field_name(question)
            field = self.fields[name]
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                value = field.clean(raw)
            except forms.ValidationError:
                value = raw
            if value not in (None, "", []):
                answers[str(question.pk)] = value
        return answers


class DelegationMemberPageForm(AskedPerPerson, DelegationMemberForm):
    """A row of the web form, and the coordinator's page's "add someone", also ask the organisers'
    questions (`members-<row>-answers.<id>`, `new-answers.<id>`)."""

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, event=event, **kwargs)
        self.add_question_fields(event)


class DelegationForm(PersonForm):
    """The coordinator and their municipality; the members are DelegationMemberForm rows."""

    email = forms.EmailField(label=_("E-mail address"), max_length=max_length(Registration, "email"))
    role = forms.ChoiceField(label=_("Your role"), choices=[("", "—"), *Role.choices])
    municipality = MunicipalityField(
        label=_("Municipality"), queryset=Municipality.objects.all(), to_field_name="code", empty_label="—"
    )
    attending = forms.BooleanField(label=_("I attend the day myself as well"), required=False)


def clean_delegation(data: dict, event: Event) -> dict:
    """Validate a delegation as the API takes it: {coordinator: {...}, municipality, attending,
    members: [{...}]}. Returns {coordinator, municipality, attending, members} cleaned, or raises
    InvalidInput with messages per field: `coordinator.email`, `municipality`, `members.3.email`."""
    coordinator = data.get("coordinator") or {}
    form = DelegationForm(
        data={**coordinator, "municipality": data.get("municipality"), "attending": data.get("attending")}
    )
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        for field, messages in form.errors.items():
            key = field if field in ("municipality", "attending") else f"coordinator.{field}"
            errors[key] = [str(message) for message in messages]
    members = data.get("members") or []
    if not members:
        errors["members"] = [str(_("Add at least one person."))]
    elif len(members) > Delegation.MAX_MEMBERS:
        errors["members"] = [
            str(_("A delegation has at most %(count)d people.") % {"count": Delegation.MAX_MEMBERS})
        ]
        members = []
    attending = form.is_valid() and form.cleaned_data["attending"]
    coordinator_answers = _check_coordinator_answers(form, coordinator.get("answers"), event, errors)
    cleaned_members = []
    seen = {form.cleaned_data["email"].lower()} if attending else set()
    for index, member in enumerate(members):
        member_form = DelegationMemberForm(data=member, event=event)
        if not member_form.is_valid():
            for field, messages in member_form.errors.items():
                errors[f"members.{index}.{field}"] = [str(message) for message in messages]
            continue
        # Every member is asked, as anyone registering: a required question cannot be skipped by
        # leaving the answers out.
        answers = member.get("answers") or {}
        try:
            clean_answers(event, member_form.cleaned_data["role"], answers)
        except InvalidInput as error:
            for field, messages in error.errors.items():
                errors[f"members.{index}.{field}"] = messages
        email = member_form.cleaned_data["email"].lower()
        if email and email in seen:
            errors[f"members.{index}.email"] = [str(_("This address appears twice in the delegation."))]
        if email:
            seen.add(email)
        cleaned_members.append({**member_form.cleaned_data, "answers": answers})
    if errors:
        raise InvalidInput(errors)
    return {
        "coordinator": {
            **{name: form.cleaned_data[name] for name in ("first_name", "last_name", "email", "role")},
            "answers": coordinator_answers,
        },
        "municipality": form.cleaned_data["municipality"],
        "attending": form.cleaned_data["attending"],
        "members": cleaned_members,
    }


def _check_coordinator_answers(
    form: DelegationForm, answers: dict | None, event: Event, errors: dict
) -> dict | None:
    """The coordinator's answers as the service takes them: those of an attending coordinator
    (none given is no answers: a required question of their role must be answered), checked for
    their role into `errors` (`coordinator.answers.<id>`); None when they do not attend, when
    answers are a 422 on `coordinator.answers`. A coordinator registered on their own already is
    not asked: they are invited, and their registration keeps its own answers."""
    if not form.is_valid():
        return answers
    if not form.cleaned_data["attending"]:
        if answers:
            errors["coordinator.answers"] = [str(_("Answers are only for a coordinator who attends."))]
        return None
    if registered_alone(event, form.cleaned_data["email"]):
        return None
    try:
        clean_answers(event, form.cleaned_data["role"], answers or {})
    except InvalidInput as error:
        errors.update({f"coordinator.{field}": messages for field, messages in error.errors.items()})
    return answers or {}


class DelegationPageForm(AskedPerPerson, DelegationForm):
    """The web form also asks an attending coordinator the organisers' questions (`answers.<id>`,
    shown while "I attend" is checked), and the coordinator to confirm the privacy statement, for
    everyone they register."""

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_question_fields(event)

    privacy = forms.BooleanField(
        label=_("I have read the privacy statement and told the people I register what is kept about them"),
        required=True,
        error_messages={"required": _("Please confirm that you have read the privacy statement.")},
    )
