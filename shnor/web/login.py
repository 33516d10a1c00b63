"""Login lock-out, done by django-axes: who is the client, and what a locked-out person is told.

Failures are counted per user name *and* client address together (AXES_LOCKOUT_PARAMETERS), so that five
wrong guesses at made-up names lock nobody else out, even when every request arrives from the same proxy.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

LOCKED_MESSAGE = "Слишком много неудачных попыток входа. Подождите {minutes}\u00a0мин. и попробуйте снова или обратитесь к администратору."


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=max(1, -(-settings.LOGIN_FAILURE_WINDOW_S // 60)))  # whole minutes, rounded up


def cool_off(request) -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_S)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or — behind SHNOR_TRUSTED_PROXY_COUNT trusted proxies — the address the
    outermost of them saw. Entries further left in X-Forwarded-For are the client's own claims and are never trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """Our login page already shows the lock-out in its form (see LockoutAwareAuthenticationForm); the admin's
    login and anything else get a Russian page."""
    match = getattr(request, "resolver_match", None)
    if original_response is not None and match is not None and match.view_name == "login" and original_response.status_code == 200:
        original_response.status_code = 429
        return original_response
    html = render_to_string("web/error.html", {"title": "Вход временно закрыт", "message": locked_message()})
    return HttpResponse(html, status=429)
