from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.admin import AuditedAdmin
from events.errors import ServiceError
from events.models import Event
from networking import services
from networking.meetings.services import fill_breaks_with_slots
from networking.models import (
    Contact,
    DirectoryProfile,
    Intake,
    Meeting,
    MeetingSlot,
    MeetingTable,
    Offer,
    Signup,
    SignupContact,
)


@admin.register(Offer)
class OfferAdmin(AuditedAdmin):
    list_display = ["title", "slug", "places", "position", "event"]
    list_filter = ["event"]


class SignupContactInline(admin.TabularInline):
    model = SignupContact
    fields = ["name", "role", "email", "created_at", "consent_given_at", "address_verified_at", "admitted_at"]
    readonly_fields = ["created_at", "consent_given_at", "address_verified_at", "admitted_at"]
    extra = 0


class ReviewFilter(admin.SimpleListFilter):
    """The review list: new signups (not yet approved) first of all."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("new", _("New (not reviewed)")),
            ("held", _("Held: address not proven yet")),
            ("reviewed", _("Reviewed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "new":
            return queryset.filter(reviewed_at__isnull=True)
        if self.value() == "held":
            return queryset.filter(confirmed_at__isnull=True)
        if self.value() == "reviewed":
            return queryset.filter(reviewed_at__isnull=False)
        return queryset


@admin.register(Signup)
class SignupAdmin(AuditedAdmin):
    list_display = [
        "municipality",
        "offer",
        "status",
        "reference",
        "created_at",
        "is_confirmed",
        "is_reviewed",
    ]
    list_filter = [ReviewFilter, "offer", "status", "municipality__province"]
    actions = ["approve", "reject", "withdraw", "accept_further_contacts"]
    search_fields = [
        "municipality__name",
        "municipality__code",
        "reference",
        "contacts__name",
        "contacts__email",
    ]
    readonly_fields = ["reference", "created_at", "confirmed_at", "reviewed_at"]
    inlines = [SignupContactInline]

    def save_model(self, request, obj, form, change):
        # An organiser entering a signup is there in person: its place is final and reviewed.
        if not change:
            obj.confirmed_at = obj.reviewed_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Contacts an organiser enters are accepted by that organiser.
        for contact in formset.save(commit=False):
            if contact.pk is None and contact.admitted_at is None:
                contact.admitted_at = timezone.now()
            contact.save()
        for removed in formset.deleted_objects:
            removed.delete()
        formset.save_m2m()

    @admin.display(boolean=True, description=_("final"))
    def is_confirmed(self, signup: Signup) -> bool:
        return signup.confirmed_at is not None

    @admin.display(boolean=True, description=_("reviewed"))
    def is_reviewed(self, signup: Signup) -> bool:
        return signup.reviewed_at is not None

    @admin.action(description=_("Approve the selected signups (their places become final)"))
    def approve(self, request, queryset):
        approved = services.approve_signups(queryset)
        self.message_user(request, _("Approved: %(count)d.") % {"count": approved}, messages.SUCCESS)

    @admin.action(description=_("Reject the selected signups (the place goes to the waiting list)"))
    def reject(self, request, queryset):
        rejected = 0
        for signup in queryset:
            services.reject_signup(signup)
            rejected += 1
        self.message_user(request, _("Rejected: %(count)d.") % {"count": rejected}, messages.SUCCESS)

    @admin.action(
        description=_(
            "Withdraw the selected signups for the municipality (the place goes to the waiting list)"
        )
    )
    def withdraw(self, request, queryset):
        withdrawn = 0
        for signup in queryset:
            try:
                services.withdraw(contact=None, signup=signup)
            except ServiceError:  # withdrawn meanwhile
                continue
            withdrawn += 1
        self.message_user(request, _("Withdrawn: %(count)d.") % {"count": withdrawn}, messages.SUCCESS)

    @admin.action(description=_("Accept the further contacts who proved their address"))
    def accept_further_contacts(self, request, queryset):
        accepted = 0
        for contact in SignupContact.objects.filter(
            signup__in=queryset, admitted_at__isnull=True, address_verified_at__isnull=False
        ).select_related("signup__offer"):
            services.admit_contact(pending=contact)
            accepted += 1
        self.message_user(request, _("Accepted: %(count)d.") % {"count": accepted}, messages.SUCCESS)

    def audit_event(self, signup: Signup):
        return signup.offer.event_id

    def audit_values(self, signup: Signup, form) -> dict:
        # The contacts are edited inline, each under its own key: the erasure of a contact replaces
        # its values, whatever they were (networking.privacy).
        contacts = {contact.trail_key: contact.trail_value for contact in signup.contacts.order_by("pk")}
        return {**super().audit_values(signup, form), **contacts}


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """For support questions only: what attendees exchanged is theirs (no notes or e-mail shown)."""

    list_display = ["requester", "recipient", "status", "created_at", "accepted_at"]
    list_filter = ["status"]
    fields = ["requester", "recipient", "status", "created_at", "accepted_at"]
    readonly_fields = fields


@admin.register(DirectoryProfile)
class DirectoryProfileAdmin(admin.ModelAdmin):
    """Only the attendee joins the directory (their consent); organisers may correct what a profile
    says, take someone out of the directory, which is recorded as the attendee leaving, or mark a
    listed person as one of the programme's advisers, whom municipalities book for intakes."""

    list_display = ["registration", "listed", "adviser", "joined_at", "left_at"]
    list_filter = ["listed", "adviser", "registration__event"]
    list_editable = ["adviser"]
    search_fields = ["registration__reference", "registration__last_name", "registration__first_name"]
    fields = ["registration", "listed", "adviser", "interests", "talk_about", "joined_at", "left_at"]
    readonly_fields = ["registration", "listed", "joined_at", "left_at"]
    actions = ["remove_from_directory"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Remove the selected attendees from the directory"))
    def remove_from_directory(self, request, queryset):
        for profile in queryset.filter(listed=True).select_related("registration"):
            services.update_directory_profile(profile.registration, directory_opt_in=False)
        self.message_user(request, _("Removed from the directory."), messages.SUCCESS)


@admin.register(MeetingTable)
class MeetingTableAdmin(AuditedAdmin):
    list_display = ["number", "area", "event"]
    list_filter = ["event", "area"]


@admin.register(MeetingSlot)
class MeetingSlotAdmin(AuditedAdmin):
    list_display = ["__str__", "starts_at", "ends_at", "event", "agreed"]
    list_filter = ["event"]
    actions = ["fill_breaks"]

    def get_queryset(self, request):
        accepted = Q(meetings__state=Meeting.State.ACCEPTED)
        return super().get_queryset(request).annotate(agreed=Count("meetings", filter=accepted))

    @admin.display(description=_("meetings agreed"), ordering="agreed")
    def agreed(self, slot):
        return slot.agreed

    @admin.action(description=_("Add 15-minute slots in every break of the selected slots' editions"))
    def fill_breaks(self, request, queryset):
        events = Event.objects.filter(pk__in=queryset.values("event"))
        added = sum(len(fill_breaks_with_slots(event)) for event in events)
        self.message_user(request, _("%(count)d slots in the breaks.") % {"count": added}, messages.SUCCESS)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read only: meetings change through their two people (networking.meetings.services)."""

    list_display = ["slot", "requester", "invitee", "state", "table"]
    list_filter = ["state", "slot__event"]
    readonly_fields = [field.name for field in Meeting._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    """The advisers' intakes with municipalities: booked on the signup's page or an attendee's
    meetings page; organisers look them up here (the dashboard shows them per adviser)."""

    list_display = ["slot", "adviser", "municipality", "booker_name", "state"]
    list_filter = ["state", "slot__event"]
    search_fields = ["municipality__name", "adviser__last_name", "booker_name"]
    readonly_fields = [field.name for field in Intake._meta.fields if field.name != "id"]

    def has_add_permission(self, request) -> bool:
        return False
