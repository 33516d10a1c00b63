"""A person's API token goes when their password changes: whoever held the old password must not keep the API."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from shnor.audit.log import record


def revoke_tokens(user, reason: str) -> bool:
    """Delete the user's API token, if any, and log it with the reason."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        record(None, "api.token_revoke", user, f"Отозван API-токен пользователя {user.username}: {reason}")
    return bool(deleted)
