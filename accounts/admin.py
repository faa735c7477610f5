"""The organisation in Django's admin: for looking only. Every change goes through `accounts.services`
(the organisation page and API), which checks the actor, keeps rights in step and writes the trace."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from accounts.models import Agency, Membership, Region, Team, User
from common.admin import ReadOnlyAdmin


@admin.register(User)
class RelaisUserAdmin(ReadOnlyAdmin, UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Relais", {"fields": ("language", "password_changed_at")}))
    readonly_fields = ("password_changed_at",)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "is_active")


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "region", "is_active")
    list_select_related = ("region",)


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "scope", "agency", "region", "is_active")
    list_select_related = ("agency", "region")
    list_filter = ("kind", "scope")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "team", "started_at", "ended_at", "is_lead")
    list_select_related = ("user", "team")


# A team's group holds its rights, kept by `accounts.rights.sync_team_permissions`: editing a group's
# permissions or members by hand would grant rights that no membership explains.
admin.site.unregister(Group)


@admin.register(Group)
class ReadOnlyGroupAdmin(ReadOnlyAdmin, GroupAdmin):
    pass
