"""API keys: one a person, renewed when `common.authentication` would refuse it."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import User
from common.authentication import api_token_is_valid


def api_token_issue(*, user: User) -> Token:
    """The person's API key: the current one while it is valid, else a new one in its place.

    A sign-in credential, not an organisation change: nothing to trace. One key per person; a key
    refused by `common.authentication` (expired, or older than the password) is replaced.
    """
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and api_token_is_valid(created=token.created, user=user):
            return token
        if token is not None:
            token.delete()
        return Token.objects.create(user=user)
