"""Organisers manage the programme here. Changes that attendees must hear about (a workshop moved,
its capacity, a cancellation, new times for a round) go through events.services, like the API."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from events import audit, outbox, services, webhooks
from events.errors import InvalidInput, ServiceError
from events.forms import RegistrationForm
from events.models import (
    ApiToken,
    Booking,
    Event,
    InvitationCode,
    Municipality,
    OutboundEmail,
    QuestionOption,
    Registration,
    RegistrationQuestion,
    Role,
    Room,
    Round,
    Speaker,
    WebhookDelivery,
    WebhookEndpoint,
    Workshop,
    WorkshopHold,
)
from events.questions.services import answers_of
from events.services.api_tokens import DEFAULT_LIFETIME
from events.services.seats import announce_after_commit
from events.views import personal_data_download


def _event_name() -> str:
    event = Event.objects.current()
    return event.name if event else gettext("Dag van de Lokale Democratie")


# The admin carries the event's name, not "Django-beheer" (looked up when a page is drawn).
admin.site.site_header = lazy(_event_name, str)()
admin.site.site_title = lazy(lambda: gettext("%(event)s – management") % {"event": _event_name()}, str)()
admin.site.index_title = _("Management")

PLACEMENT = {"room", "round", "capacity"}
DETAILS = {"title", "description", "theme", "speakers"}


def _refused(form_class: type[forms.BaseForm], error: ServiceError) -> type[forms.BaseForm]:
    """The admin's form, refusing with the service's message (at its field, where the form has it)."""

    class Refused(form_class):
        def clean(self):
            cleaned = super().clean()
            field = error.field if error.field in self.fields else None
            if error.message not in self.errors.get(field or NON_FIELD_ERRORS, []):
                self.add_error(field, error.message)
            return cleaned

    return Refused


class AuditedAdmin(admin.ModelAdmin):
    """The admin as one more door to the day's objects.

    Every save and delete is in the audit trail: `<model>.created`, `.changed` (the fields the form
    can change, before → after) and `.deleted`; the object's history page shows its entries. A
    change that goes through a service is logged by the service; list its fields in
    `logged_by_services` so that the admin's own entry leaves them out. And when a service refuses a
    change that the form's checks let through (someone else's change came in between), the form
    is shown again with the service's message instead of an error page, and nothing is saved.
    """

    object_history_template = "admin/audit_history.html"
    logged_by_services: frozenset[str] = frozenset()

    def audit_event(self, obj: models.Model):
        """The edition an object belongs to, for objects without an `event` of their own."""
        return None

    def audit_values(self, obj: models.Model, form: forms.BaseForm) -> dict:
        """What the admin can change of `obj`: the model's fields in its form."""
        names = {field.name for field in obj._meta.get_fields() if not field.auto_created}
        return audit.values(obj, [name for name in form.base_fields if name in names])

    def _stored(self, obj: models.Model) -> models.Model:
        return type(obj)._default_manager.get(pk=obj.pk)

    def save_model(self, request, obj, form, change):
        form.audit_before = self.audit_values(self._stored(obj), form) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changed = audit.changes(
            getattr(form, "audit_before", {}),
            self.audit_values(self._stored(obj), form),
            leave_out=self.logged_by_services if change else (),
        )
        if changed or not change:
            verb = "changed" if change else "created"
            audit.log(obj, f"{obj._meta.model_name}.{verb}", event=self.audit_event(obj), changes=changed)

    def delete_model(self, request, obj):
        audit.log(obj, f"{obj._meta.model_name}.deleted", event=self.audit_event(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit.log(obj, f"{obj._meta.model_name}.deleted", event=self.audit_event(obj))
            super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        lines = audit.lines(audit.history_of(self.model, object_id))
        return super().history_view(request, object_id, {**(extra_context or {}), "audit_lines": lines})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceError as error:
            # The save ran in the admin's transaction, which the error rolled back: show the form again.
            request.service_refusal = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        return form if refusal is None else _refused(form, refusal)


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    list_display = ["name", "date", "venue", "capacity"]
    prepopulated_fields = {"slug": ["name"]}


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["event", "name", "capacity", "directions"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            largest = (
                self.instance.workshops.filter(status=Workshop.Status.SCHEDULED).order_by("-capacity").first()
            )
            if largest and largest.capacity > capacity:
                raise forms.ValidationError(
                    _("“%(title)s” in this room seats %(capacity)s; lower its capacity first.")
                    % {"title": largest.title, "capacity": largest.capacity}
                )
        return capacity


@admin.register(Room)
class RoomAdmin(AuditedAdmin):
    form = RoomForm
    list_display = ["name", "capacity", "directions", "event"]
    list_filter = ["event"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            services.workshops_details_changed(obj.workshops.all())


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["event", "label", "kind", "starts_at", "ends_at"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_at") and cleaned.get("ends_at") and cleaned["ends_at"] <= cleaned["starts_at"]:
            self.add_error("ends_at", _("A round must end after it starts."))
        return cleaned


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    form = RoundForm
    logged_by_services = frozenset({"starts_at", "ends_at"})
    list_display = ["label", "kind", "starts_at", "ends_at", "event"]
    list_filter = ["event", "kind"]

    def save_model(self, request, obj, form, change):
        if change and {"starts_at", "ends_at"} & set(form.changed_data):
            starts_at, ends_at = obj.starts_at, obj.ends_at
            original = Round.objects.get(pk=obj.pk)
            obj.starts_at, obj.ends_at = original.starts_at, original.ends_at
            super().save_model(request, obj, form, change)
            services.reschedule_round(obj, starts_at=starts_at, ends_at=ends_at)
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)


@admin.register(Speaker)
class SpeakerAdmin(AuditedAdmin):
    list_display = ["name", "role", "organisation", "event"]
    list_filter = ["event"]
    search_fields = ["name", "organisation"]


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = [
            "round",
            "room",
            "slug",
            "title",
            "description",
            "theme",
            "capacity",
            "speakers",
            "allow_walk_ins",
        ]

    def clean(self):
        cleaned = super().clean()
        room, round_, capacity = cleaned.get("room"), cleaned.get("round"), cleaned.get("capacity")
        if room and round_ and capacity is not None and self.instance.status == Workshop.Status.SCHEDULED:
            # Same rules as services.update_workshop, shown at the fields; the service checks again under lock.
            probe = self.instance if self.instance.pk else Workshop(round=round_)
            try:
                services.check_workshop_change(probe, room=room, round=round_, capacity=capacity)
            except ServiceError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


@admin.register(Workshop)
class WorkshopAdmin(AuditedAdmin):
    form = WorkshopForm
    logged_by_services = frozenset(PLACEMENT)
    list_display = [
        "title",
        "round",
        "room",
        "capacity",
        "booked",
        "held",
        "free",
        "waitlisted",
        "theme",
        "status",
        "sequence",
    ]
    list_filter = ["round__event", "round", "theme", "status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["speakers"]
    readonly_fields = ["status", "sequence", "uid"]
    actions = ["cancel_workshops"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("round", "room").with_counts()

    def audit_event(self, workshop: Workshop):
        return workshop.round.event_id

    @admin.display(description=_("booked"), ordering="booked")
    def booked(self, workshop: Workshop) -> int:
        return workshop.booked

    @admin.display(description=_("held back"), ordering="held")
    def held(self, workshop: Workshop) -> int:
        return workshop.held

    @admin.display(description=_("free"))
    def free(self, workshop: Workshop) -> int:
        return workshop.seats_left

    @admin.display(description=_("waitlisted"), ordering="waitlisted")
    def waitlisted(self, workshop: Workshop) -> int:
        return workshop.waitlisted

    def save_model(self, request, obj, form, change):
        moved = change and PLACEMENT & set(form.changed_data)
        if moved:
            target = {"room": obj.room, "round": obj.round, "capacity": obj.capacity}
            original = Workshop.objects.get(pk=obj.pk)
            obj.room, obj.round, obj.capacity = original.room, original.round, original.capacity
        super().save_model(request, obj, form, change)
        if moved:
            services.update_workshop(obj, **target)
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and DETAILS & set(form.changed_data) and not PLACEMENT & set(form.changed_data):
            services.workshops_details_changed([form.instance])

    @admin.action(description=_("Cancel the selected workshops (attendees are told)"))
    def cancel_workshops(self, request, queryset):
        for workshop in queryset:
            services.cancel_workshop(workshop)
        self.message_user(
            request, _("%(count)s workshops cancelled.") % {"count": queryset.count()}, messages.SUCCESS
        )


class BookingInline(admin.TabularInline):
    model = Booking
    fields = ["workshop", "status", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class TwoListSelect(FilteredSelectMultiple):
    """The admin's two-list widget, in a box of its own: its script puts the lists first in their
    parent, which would otherwise be the row with the field's label (a model's many-to-many field
    gets that box from the related-object wrapper)."""

    def render(self, *args, **kwargs):
        return format_html("<div>{}</div>", super().render(*args, **kwargs))


class RegistrationAddForm(forms.ModelForm):
    """An organiser registers someone: the fields of the public form, and their workshops."""

    workshops = forms.ModelMultipleChoiceField(
        label=_("Workshops"),
        queryset=Workshop.objects.filter(round__kind=Round.Kind.WORKSHOPS, status=Workshop.Status.SCHEDULED)
        .select_related("round")
        .order_by("round__starts_at", "title"),
        required=False,
        widget=TwoListSelect(_("workshops"), is_stacked=False),
        help_text=_("At most one per round. A full workshop puts them on its waiting list."),
    )

    class Meta:
        model = Registration
        # The public form's fields (its order), the edition and the language of the mails.
        fields = [
            "event",
            *(name for name in RegistrationForm.field_order if name not in ("workshops", "code")),
            "language",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].initial = Event.objects.current()
        self.fields["workshops"].label_from_instance = lambda workshop: (
            f"{workshop.round.label}: {workshop.title}"
        )

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event")
        if event and any(workshop.round.event_id != event.pk for workshop in cleaned.get("workshops", [])):
            self.add_error("workshops", _("Choose workshops of this event."))
        return cleaned


@admin.register(Registration)
class RegistrationAdmin(AuditedAdmin):
    # People are registered through services.register (badge, link, e-mail), also here: the add
    # form calls it as an organiser would (the address counts as proven). The admin further
    # changes, cancels, resends, exports and erases. Not deleting: a person is removed by erasure,
    # which also makes the histories forget them (a deleted row's name stays).
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RegistrationAddForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": [*RegistrationAddForm._meta.fields, "workshops"]})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        registration, _token = services.register(
            event=data["event"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=data["role"],
            municipality=data["municipality"],
            organisation=data["organisation"],
            needs=data["needs"],
            language=data["language"],
            workshops=data["workshops"],
            by_organiser=True,
        )
        # The admin goes on with the form's object (its message, its redirect): make it this one.
        obj.pk = registration.pk
        obj._state.adding = False
        return None

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
        # A new registration's entry in the trail is the service's ("registration.created").

    list_display = [
        "reference",
        "last_name",
        "first_name",
        "role",
        "municipality",
        "organisation",
        "status",
        "created_at",
    ]
    list_filter = [
        "event",
        "status",
        "role",
        "municipality__province",
        ("erased_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["reference", "last_name", "first_name", "email", "organisation", "municipality__name"]
    readonly_fields = [
        "reference",
        "status",
        "privacy_accepted_at",
        "created_at",
        "cancelled_at",
        "erased_at",
        "question_answers",
    ]

    # Shown, not a formset: the person changes them through their link (events.services.change_answers).
    @admin.display(description=_("answers"))
    def question_answers(self, registration: Registration) -> str:
        answers = answers_of(registration)
        if not answers:
            return "—"
        return format_html_join(
            mark_safe("<br>"), "{}: {}", ((answer.question.text, answer.display()) for answer in answers)
        )

    autocomplete_fields = ["municipality"]
    inlines = [BookingInline]
    actions = ["cancel_registrations", "resend_confirmations", "export_personal_data", "erase_personal_data"]

    @admin.action(description=_("Send the confirmation e-mail again"))
    def resend_confirmations(self, request, queryset):
        sent = sum(services.resend_confirmation(registration) for registration in queryset)
        self.message_user(
            request,
            ngettext(
                "Confirmation queued again for %(count)s registration.",
                "Confirmation queued again for %(count)s registrations.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )
        if sent < queryset.count():
            self.message_user(
                request, _("Cancelled or erased registrations get no confirmation."), messages.WARNING
            )

    @admin.action(description=_("Cancel the selected registrations (seats go to the waiting lists)"))
    def cancel_registrations(self, request, queryset):
        for registration in queryset:
            services.cancel_registration(registration)
        self.message_user(
            request, _("%(count)s registrations cancelled.") % {"count": queryset.count()}, messages.SUCCESS
        )

    @admin.action(description=_("Export everything held about this person (JSON)"))
    def export_personal_data(self, request, queryset):
        """For a request of access (AVG art. 15): the same file the attendee gets through their link."""
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one registration to export."), messages.WARNING)
            return None
        return personal_data_download(queryset.get())

    @admin.action(description=_("Erase the personal data of the selected registrations"))
    def erase_personal_data(self, request, queryset):
        """For a request of erasure (AVG art. 17), after a confirmation page: see erase_registration."""
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/events/registration/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Erase personal data"),
                    "opts": self.model._meta,
                    "registrations": list(queryset),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        erased = 0
        for registration in queryset:
            if services.erase_registration(registration):
                erased += 1
                registration.refresh_from_db()
                self.log_change(request, registration, _("Personal data erased."))
        self.message_user(
            request,
            _("Personal data of %(count)s registrations erased.") % {"count": erased},
            messages.SUCCESS,
        )
        return None


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "population"]
    list_filter = ["province"]
    search_fields = ["code", "name"]


class OutboxStatusFilter(admin.SimpleListFilter):
    """Sent, still being tried, or failed for good (the dashboard links to `?status=failed`)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("queued", _("queued")), ("failed", _("failed")), ("sent", _("sent"))]

    def queryset(self, request, queryset):
        if self.value() == "queued":
            return queryset & outbox.queued()
        if self.value() == "failed":
            return queryset & outbox.failed()
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "to", "created_at", "status", "sent_at", "attempts", "last_error"]
    list_filter = [OutboxStatusFilter, "kind"]
    actions = ["send_again"]
    search_fields = ["to", "subject"]
    exclude = ["context"]
    readonly_fields = [
        "kind",
        "to",
        "registration",
        "subject",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("status"))
    def status(self, email: OutboundEmail) -> str:
        if email.sent_at:
            return _("sent")
        return _("failed") if email.attempts >= outbox.MAX_ATTEMPTS else _("queued")

    @admin.action(description=_("Send the selected e-mails again (unsent ones only)"))
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s e-mail queued to be sent again.",
                "%(count)s e-mails queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What a script with this token may do through the API."),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scopes", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.check_api_token(
                    name=cleaned["name"], scopes=cleaned["scopes"], expires_at=cleaned["expires_at"]
                )
            except InvalidInput as invalid:
                for field, problems in invalid.errors.items():
                    for problem in problems:
                        self.add_error(field if field in self.fields else None, problem)
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Organisers' personal tokens for scripts. The token is shown once, when it is made; after that
    only its hash is known. Revoked, not deleted: the trail keeps what it did."""

    form = ApiTokenForm
    list_display = ["name", "user", "scope_list", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    actions = ["revoke"]
    readonly_fields = ["name", "user", "scope_list", "created_at", "expires_at", "last_used_at", "revoked_at"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("user")
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["name", "scopes", "expires_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + DEFAULT_LIFETIME}

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("scopes"))
    def scope_list(self, token: ApiToken) -> str:
        return ", ".join(str(ApiToken.Scope(scope).label) for scope in token.scopes)

    def save_model(self, request, obj, form, change):
        if change:  # nothing of a token changes after it is made, but that it is revoked
            return
        created, secret = services.create_api_token(
            request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
        )
        obj.pk, obj.token_hash, obj.user, obj.created_at = (
            created.pk,
            created.token_hash,
            created.user,
            created.created_at,
        )
        obj._state.adding = False
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code>",
                gettext("Copy the token now; it is not shown again:"),
                secret,
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = sum(services.revoke_api_token(token) for token in queryset)
        self.message_user(
            request,
            ngettext("%(count)s token revoked.", "%(count)s tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints are registered through the API (`POST /api/v1/webhooks`); here organisers see them,
    their deliveries, and switch on again one that was disabled after failing."""

    list_display = ["url", "event", "events", "created_at", "failures_in_a_row", "disabled_at"]
    list_filter = ["event", "disabled_at"]
    readonly_fields = [
        "url",
        "event",
        "events",
        "created_by",
        "created_at",
        "failures_in_a_row",
        "disabled_at",
    ]
    exclude = ["secret"]
    actions = ["enable"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Switch the selected webhooks on again (and retry what they missed)"))
    def enable(self, request, queryset):
        count = webhooks.enable(queryset)
        self.message_user(
            request,
            ngettext("%(count)s webhook switched on.", "%(count)s webhooks switched on.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: when, how often tried, the last answer's status code and time."""

    list_display = [
        "event_type",
        "endpoint",
        "created_at",
        "attempts",
        "last_attempt_at",
        "last_status",
        "last_duration_ms",
        "delivered_at",
        "last_error",
    ]
    list_filter = ["endpoint", "event_type", "last_status"]
    list_select_related = ["endpoint"]
    readonly_fields = [*list_display, "delivery_id", "body"]

    def has_add_permission(self, request) -> bool:
        return False


class WorkshopHoldForm(forms.ModelForm):
    class Meta:
        model = WorkshopHold
        fields = ["workshop", "seats", "release_at"]

    def __init__(self, *args, code: InvitationCode, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code  # not saved yet while a new code is added
        bookable = Workshop.objects.filter(round__kind=Round.Kind.WORKSHOPS)
        self.fields["workshop"].queryset = bookable.select_related("round")

    def clean(self):
        cleaned = super().clean()
        code, workshop, seats = self.code, cleaned.get("workshop"), cleaned.get("seats")
        # Without an event the code's own form is refused already.
        if (
            code.event_id is not None
            and workshop is not None
            and seats is not None
            and (problem := services.hold_problem(code.event, workshop, seats))
        ):
            self.add_error("seats" if workshop.round.event_id == code.event_id else "workshop", problem)
        return cleaned


class WorkshopHoldFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "code": self.instance}


class WorkshopHoldInline(admin.TabularInline):
    """Seats held back for the code's registrants; released ones stay as a record."""

    model = WorkshopHold
    form = WorkshopHoldForm
    formset = WorkshopHoldFormSet
    extra = 0
    readonly_fields = ["released_at"]


@admin.register(WorkshopHold)
class WorkshopHoldAdmin(admin.ModelAdmin):
    """Held seats per workshop: how many the code's registrants booked, how many are still held."""

    list_display = [
        "workshop",
        "code",
        "seats",
        "booked_with_code",
        "still_held",
        "release_at",
        "released_at",
    ]
    list_filter = ["code__event", "workshop__round", "released_at"]
    list_select_related = ["workshop", "code"]
    search_fields = ["code__code", "workshop__title"]
    readonly_fields = ["code", "workshop", "seats", "release_at", "released_at"]
    actions = ["release_holds"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_left()

    def has_add_permission(self, request) -> bool:
        return False  # made with their code

    @admin.display(description=_("booked with the code"))
    def booked_with_code(self, hold: WorkshopHold) -> int:
        return hold.seats - hold.left

    @admin.display(description=_("still held back"))
    def still_held(self, hold: WorkshopHold) -> int:
        return 0 if hold.released_at else hold.left

    @admin.action(description=_("Release the selected held seats to the waiting list"))
    def release_holds(self, request, queryset):
        released = sum(services.release_hold(hold) for hold in queryset)
        self.message_user(
            request,
            ngettext("%(count)s hold released.", "%(count)s holds released.", released) % {"count": released},
            messages.SUCCESS,
        )


@admin.register(InvitationCode)
class InvitationCodeAdmin(admin.ModelAdmin):
    """Codes for speakers, press, the mayor: what they open, how often, until when."""

    list_display = [
        "code",
        "event",
        "uses",
        "uses_allowed",
        "valid_until",
        "opens_closed_registration",
        "opens_past_capacity",
        "role",
    ]
    list_filter = ["event"]
    search_fields = ["code"]
    readonly_fields = ["uses"]
    inlines = [WorkshopHoldInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Held seats made or changed here change what the public sees free.
        announce_after_commit(workshops=form.instance.holds.values_list("workshop_id", flat=True))


class QuestionOptionInline(admin.TabularInline):
    model = QuestionOption
    fields = ["label", "position"]
    extra = 2


class RegistrationQuestionForm(forms.ModelForm):
    """The roles as boxes to tick (stored as a list of role values)."""

    roles = forms.MultipleChoiceField(
        label=_("Only for these roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to ask everyone."),
    )

    class Meta:
        model = RegistrationQuestion
        fields = ["event", "text", "help_text", "kind", "required", "roles", "position", "active"]


@admin.register(RegistrationQuestion)
class RegistrationQuestionAdmin(AuditedAdmin):
    """The organisers' own questions on the registration form, without code. An option is renamed
    safely (answers refer to it, not to its text); a question no longer asked is made inactive, so
    its answers stay in the exports."""

    form = RegistrationQuestionForm
    inlines = [QuestionOptionInline]
    list_display = ["text", "event", "kind", "required", "role_list", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["event", "kind", "active"]
    ordering = ["event", "position", "pk"]

    @admin.display(description=_("only for these roles"))
    def role_list(self, question: RegistrationQuestion) -> str:
        return ", ".join(question.role_labels()) or gettext("everyone")

    def get_changeform_initial_data(self, request):
        return {"event": Event.objects.current(), **super().get_changeform_initial_data(request)}
