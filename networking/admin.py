from django.contrib import admin

from networking.models import Contact, Offer, Signup, SignupContact


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "places", "position", "event"]
    list_filter = ["event"]


class SignupContactInline(admin.TabularInline):
    model = SignupContact
    fields = ["name", "role", "email", "created_at", "consent_given_at"]
    readonly_fields = ["created_at", "consent_given_at"]
    extra = 0


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["municipality", "offer", "status", "reference", "created_at"]
    list_filter = ["offer", "status", "municipality__province"]
    search_fields = [
        "municipality__name",
        "municipality__code",
        "reference",
        "contacts__name",
        "contacts__email",
    ]
    readonly_fields = ["reference", "created_at"]
    inlines = [SignupContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """For support questions only: what attendees exchanged is theirs (no notes or e-mail shown)."""

    list_display = ["requester", "recipient", "status", "created_at", "accepted_at"]
    list_filter = ["status"]
    fields = ["requester", "recipient", "status", "created_at", "accepted_at"]
    readonly_fields = fields
