from django.contrib import admin

from networking.models import Offer, Signup


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "places", "position", "event"]
    list_filter = ["event"]


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["municipality", "offer", "status", "contact_name", "created_at"]
    list_filter = ["offer", "status"]
    search_fields = ["municipality__name", "contact_name", "contact_email"]
