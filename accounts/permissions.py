"""DRF permission classes that read the organisation's rights, for every app's API.

They give the API its early 403 with the reason; the services check the actor again whatever door
calls them. Apps above accounts import them from here, never from another app's `api.py`.
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts import rights


class IsOrgAdmin(BasePermission):
    """Organisation admins only (403 with the reason for others); the services check again."""

    def has_permission(self, request: Request, view: Any) -> bool:
        rights.require_org_admin(request.user)
        return True


class OrgAdminWritesOthersRead(BasePermission):
    """Everyone signed in reads; only organisation admins write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in SAFE_METHODS:
            rights.require_org_admin(request.user)
        return True
