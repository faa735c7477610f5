from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Agency, Membership, Region, Team, User


@admin.register(User)
class RelaisUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Relais", {"fields": ("language",)}))


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region")
    list_select_related = ("region",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    # Teams are created through the organisation page or API (services grant the rights); the admin
    # only reads them.
    list_display = ("name", "kind", "scope", "agency", "region", "is_active")
    list_select_related = ("agency", "region")
    list_filter = ("kind", "scope")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "started_at", "ended_at", "is_lead")
    list_select_related = ("user", "team")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
