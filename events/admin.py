"""Organisers manage the programme here. Changes that attendees must hear about (a workshop moved,
its capacity, a cancellation, new times for a round) go through events.services, like the API."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import mail, services
from events.errors import ServiceError
from events.models import (
    Booking,
    Event,
    Municipality,
    OutboundEmail,
    Registration,
    Room,
    Round,
    Speaker,
    Workshop,
)
from events.views import personal_data_download

PLACEMENT = {"room", "round", "capacity"}
DETAILS = {"title", "description", "theme", "speakers"}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
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
class RoomAdmin(admin.ModelAdmin):
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
class RoundAdmin(admin.ModelAdmin):
    form = RoundForm
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
class SpeakerAdmin(admin.ModelAdmin):
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
class WorkshopAdmin(admin.ModelAdmin):
    form = WorkshopForm
    list_display = [
        "title",
        "round",
        "room",
        "capacity",
        "booked",
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

    @admin.display(description=_("booked"), ordering="booked")
    def booked(self, workshop: Workshop) -> int:
        return workshop.booked

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


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    # People are registered through the form or the API (services.register makes their badge,
    # link and e-mail); the admin changes, cancels, exports and erases.
    def has_add_permission(self, request) -> bool:
        return False

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
        "directory_opt_in_at",
        "directory_opt_out_at",
        "created_at",
        "cancelled_at",
        "erased_at",
    ]
    autocomplete_fields = ["municipality"]
    inlines = [BookingInline]
    actions = ["cancel_registrations", "export_personal_data", "erase_personal_data"]

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
            return queryset & mail.queued()
        if self.value() == "failed":
            return queryset & mail.failed()
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
        return _("failed") if email.attempts >= mail.MAX_ATTEMPTS else _("queued")

    @admin.action(description=_("Send the selected e-mails again (unsent ones only)"))
    def send_again(self, request, queryset):
        count = mail.send_again(queryset)
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
