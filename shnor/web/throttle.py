"""Login throttling: after repeated failures for a user name or an address, refuse for a while."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    return [f"login-fail:u:{(username or '').strip().casefold()}", f"login-fail:a:{address}"]


def is_locked(username: str, address: str) -> bool:
    return any((cache.get(k) or 0) >= settings.LOGIN_FAILURE_LIMIT for k in _keys(username, address))


def note_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        if cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_S):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_S)


def clear(username: str, address: str) -> None:
    cache.delete_many(_keys(username, address))
