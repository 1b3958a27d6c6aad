from django.contrib import admin

from checkin.models import CheckIn, Device, Scan
from events.admin import AuditedAdmin


@admin.register(Device)
class DeviceAdmin(AuditedAdmin):
    list_display = ["name", "kind", "event", "workshop", "paired_at", "last_seen_at", "revoked_at"]
    list_filter = ["event", "kind"]
    readonly_fields = ["token_hash", "created_at", "created_by", "paired_at", "last_seen_at"]


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ["scanned_at", "action", "status", "registration", "workshop", "device", "user"]
    list_filter = ["event", "action", "status", "device"]
    list_select_related = ["registration", "workshop", "device", "user"]
    raw_id_fields = ["registration"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["checked_in_at", "registration", "workshop", "device"]
    list_filter = ["workshop", "device"]
    list_select_related = ["registration", "workshop", "device"]
    raw_id_fields = ["registration"]
