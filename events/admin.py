from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "date", "venue", "capacity"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "capacity", "event"]
    list_filter = ["event"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "starts_at", "ends_at", "event"]
    list_filter = ["event", "kind"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "organisation"]
    search_fields = ["name", "organisation"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "round", "room", "capacity", "theme", "status", "sequence"]
    list_filter = ["round__event", "round", "theme", "status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["speakers"]
    readonly_fields = ["sequence", "uid"]


class BookingInline(admin.TabularInline):
    model = Booking
    fields = ["workshop", "status", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
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
    list_filter = ["event", "status", "role", "municipality__province"]
    search_fields = ["reference", "last_name", "first_name", "email", "organisation", "municipality__name"]
    readonly_fields = [
        "reference",
        "privacy_accepted_at",
        "directory_opt_in_at",
        "created_at",
        "cancelled_at",
    ]
    autocomplete_fields = ["municipality"]
    inlines = [BookingInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "to", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    exclude = ["context"]  # may hold a manage token until sent
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

    @admin.display(description=_("sent"), boolean=True)
    def is_sent(self, email: OutboundEmail) -> bool:
        return email.sent_at is not None
