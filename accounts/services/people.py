"""People: create them, change who they are, switch their access off (handing their work over) and on,
send them a password link; and each person's own language."""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts import events, handover, passwords
from accounts.handover import Plan
from accounts.models import User
from accounts.rights import NOTHING, SystemActor, forget_rights, require_org_admin
from accounts.services.common import hand_over, lock_person
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from trace.services import org_chain, trace_append


@transaction.atomic
def user_create(
    *,
    actor: User | SystemActor,
    username: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_active: bool = True,
    language: str = "",
) -> User:
    require_org_admin(actor)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput({"username": _("This username is taken.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=is_active,
        language=language,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput({"password": list(error.messages)}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    trace_append(
        actor=actor, action=events.USER_CREATED, obj=user, chain=org_chain("national"), payload={"user": user.pk}
    )
    return user


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """A person chooses their own language (empty: the browser's); nobody sets it for someone else."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to choose your language."))
    if language and language not in dict(settings.LANGUAGES):
        raise InvalidInput({"language": _("Unknown language.")})
    actor.language = language
    actor.save(update_fields=["language"])
    return actor


USER_EDITABLE_FIELDS = ("email", "first_name", "last_name", "is_active")


@transaction.atomic
def user_update(*, actor: User | SystemActor, user_id: int, **data: object) -> User:
    """Change a person's identity, or switch their access off or on (`is_active`).

    Switching off here hands nothing over: it is refused (409, with what the person holds) when the
    person holds open work or accounts, which `user_deactivate` then hands over by name.
    """
    require_org_admin(actor)
    unknown = set(data) - set(USER_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({field: _("This field cannot be changed.") for field in sorted(unknown)})
    user = lock_person(user_id)
    if "is_active" in data and data["is_active"] != user.is_active:
        if data["is_active"]:
            _reactivate(actor=actor, person=user)
        else:
            plan = handover.person_plan(person=user, coverage=NOTHING, successors=None)[0]
            if plan.total:
                raise Conflict(
                    _("This person still holds open work or accounts: switch them off with a handover."),
                    handover=plan.as_dict(),
                )
            _deactivate(actor=actor, person=user, successors=None)
    changed = sorted(field for field, value in data.items() if field != "is_active" and getattr(user, field) != value)
    for field in changed:
        setattr(user, field, data[field])
    if changed:
        user.save(update_fields=changed)
        # Payloads carry field names, never the values: they may be personal data.
        trace_append(
            actor=actor,
            action=events.USER_UPDATED,
            obj=user,
            chain=org_chain("national"),
            payload={"user": user.pk, "fields": changed},
        )
    return user


def _deactivate(*, actor: User | SystemActor, person: User, successors: Mapping[str, User | None] | None) -> Plan:
    """Switch a locked person off: hand everything over, revoke their API key; sessions die with it
    (Django signs nobody in as an inactive user). Their memberships stay, for a possible return."""
    if actor.pk == person.pk:
        raise InvalidInput({"is_active": _("You cannot switch off your own access.")})
    plan = hand_over(
        actor=actor, person=person, coverage=NOTHING, successors=successors, reason="deactivated", chain="national"
    )
    person.is_active = False
    person.save(update_fields=["is_active"])
    Token.objects.filter(user=person).delete()
    forget_rights()  # an inactive person holds nothing
    trace_append(
        actor=actor,
        action=events.USER_DEACTIVATED,
        obj=person,
        chain=org_chain("national"),
        payload={"user": person.pk},
    )
    return plan


def _reactivate(*, actor: User | SystemActor, person: User) -> None:
    person.is_active = True
    person.save(update_fields=["is_active"])
    forget_rights()
    trace_append(
        actor=actor,
        action=events.USER_REACTIVATED,
        obj=person,
        chain=org_chain("national"),
        payload={"user": person.pk},
    )


@transaction.atomic
def user_deactivate(
    *, actor: User | SystemActor, user_id: int, successors: Mapping[str, User | None] | None = None
) -> Plan:
    """Switch a person's access off, handing over all their open work and accounts (per kind, to
    `successors`; missing or None: the queue) in the same step. Answers what was handed over."""
    require_org_admin(actor)
    person = lock_person(user_id)
    if not person.is_active:
        raise Conflict(_("This person's access is already off."))
    return _deactivate(actor=actor, person=person, successors=successors)


def user_deactivate_plan(
    *, actor: User | SystemActor, user_id: int, successors: Mapping[str, User | None] | None = None
) -> Plan:
    """What switching the person off would hand over, to show before it is confirmed; changes nothing."""
    require_org_admin(actor)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound()
    return handover.person_plan(person=person, coverage=NOTHING, successors=successors, with_candidates=True)[0]


@transaction.atomic
def user_reactivate(*, actor: User | SystemActor, user_id: int) -> User:
    """Switch a person's access on again: the teams they were still in give their rights back."""
    require_org_admin(actor)
    person = lock_person(user_id)
    if person.is_active:
        raise Conflict(_("This person's access is already on."))
    _reactivate(actor=actor, person=person)
    return person


@transaction.atomic
def user_send_password_reset(*, actor: User | SystemActor, user_id: int) -> User:
    """E-mail the person a link to choose a new password (Django's reset flow), once this commits.

    Also how a person created without a password gets one. Their current password keeps working
    until they choose the new one; choosing it revokes their API key (`common.authentication`).
    """
    require_org_admin(actor)
    person = lock_person(user_id)
    if not person.is_active:
        raise Conflict(_("This person's access is off: switch it on before sending a link."))
    if not person.email:
        raise InvalidInput({"email": _("This person has no e-mail address to send the link to.")})
    transaction.on_commit(lambda: passwords.send_reset_link(person), robust=True)
    # The payload names the person only: the address and the link are never traced.
    trace_append(
        actor=actor,
        action=events.PASSWORD_RESET_SENT,
        obj=person,
        chain=org_chain("national"),
        payload={"user": person.pk},
    )
    return person
