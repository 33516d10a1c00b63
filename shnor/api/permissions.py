"""Who may call the API at all. What each user may see or do is decided by `Scope` (shnor.registry.models)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework import authentication, permissions

from shnor.registry.models import Scope


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` for integrations; see `shnor apitoken`."""


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
