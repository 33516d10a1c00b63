"""Who may call the API at all. What each user may see or do is decided by `Scope` (shnor.registry.models)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from shnor.core.russian import agree, format_date
from shnor.registry.models import Scope


def token_expires(token):
    """When a token stops working (API_TOKEN_DAYS after it was issued), or None when tokens do not expire."""
    days = settings.API_TOKEN_DAYS
    return token.created + timedelta(days=days) if days > 0 else None


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` for integrations; see `shnor apitoken`. A token expires API_TOKEN_DAYS after
    it was issued, so that a key left in an old integration's configuration does not open the API for ever."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        expires = token_expires(token)
        if expires is not None and expires <= timezone.now():
            raise exceptions.AuthenticationFailed(
                f"Срок действия API-токена истёк {format_date(timezone.localdate(expires))} (токен действует "
                f"{agree(settings.API_TOKEN_DAYS, 'день')}): выпустите новый командой «shnor apitoken ИМЯ --reset»."
            )
        return user, token


# Token first: a request without credentials is then answered 401 with `WWW-Authenticate: Token`
# (with the session class first DRF answers 403, which tells an integration nothing). The session
# class enforces CSRF on unsafe methods, as the web pages do.
AUTHENTICATION_CLASSES = [TokenAuthentication, authentication.SessionAuthentication]


class HasRole(permissions.BasePermission):
    """Reference data (frameworks, activity types, indicators) are for people who work in the system."""

    message = "Справочники доступны только пользователям, которым назначена роль в системе."

    def has_permission(self, request, view) -> bool:
        scope = Scope.of(request.user)
        return scope.is_superuser or bool(scope.memberships)


def require(allowed: bool, message: str) -> None:
    """Refuse with 403 (the object is visible, the action is not the user's)."""
    if not allowed:
        raise PermissionDenied(message)
