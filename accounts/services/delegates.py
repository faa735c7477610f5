"""Direct grants of an agency right to one person, outside any team: a delegate while someone is away."""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import events
from accounts.models import Agency, AgencyUserObjectPermission, User
from accounts.rights import ALL_AGENCY_PERMISSIONS, SystemActor, forget_rights, require_org_admin
from common.errors import Conflict, InvalidInput, NotFound
from trace.services import org_chain, trace_append


@transaction.atomic
def delegate_grant(*, actor: User | SystemActor, user: User, agency: Agency, perm: str) -> AgencyUserObjectPermission:
    """Give one person a permission on an agency directly, outside any team: a delegate while someone is away.

    The grant counts wherever rights are asked (`accounts.rights`): a delegate with `manage_unit`
    reassigns the agency's work and receives its escalations, as its managers do.
    """
    require_org_admin(actor)
    permission = _agency_permission(perm)
    grant, created = AgencyUserObjectPermission.objects.get_or_create(
        user=user, content_object=agency, permission=permission
    )
    if not created:
        raise Conflict(_("%(user)s already holds this right on %(agency)s.") % {"user": user, "agency": agency})
    forget_rights()
    trace_append(
        actor=actor,
        action=events.DELEGATE_GRANTED,
        obj=grant,
        chain=org_chain(f"agency:{agency.pk}"),
        payload={"user": user.pk, "agency": agency.pk, "perm": perm},
    )
    return grant


@transaction.atomic
def delegate_revoke(*, actor: User | SystemActor, user: User, agency: Agency, perm: str) -> None:
    """Take back a direct grant (the absent colleague is back); the person loses it at once."""
    require_org_admin(actor)
    permission = _agency_permission(perm)
    grant = AgencyUserObjectPermission.objects.filter(user=user, content_object=agency, permission=permission).first()
    if grant is None:
        raise NotFound()
    grant_id = grant.pk
    grant.delete()
    forget_rights()
    trace_append(
        actor=actor,
        action=events.DELEGATE_REVOKED,
        object_type=AgencyUserObjectPermission._meta.label_lower,
        object_id=grant_id,
        chain=org_chain(f"agency:{agency.pk}"),
        payload={"user": user.pk, "agency": agency.pk, "perm": perm},
    )


def _agency_permission(perm: str) -> Permission:
    if perm not in ALL_AGENCY_PERMISSIONS:
        raise InvalidInput({"perm": _("Unknown right.")})
    return Permission.objects.get(content_type__app_label="accounts", content_type__model="agency", codename=perm)
