"""A database that is down or too slow gives a clean Russian error page, not a traceback."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


class DatabaseErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Only a database that is unreachable, too slow or locked: an IntegrityError or a DataError is a bug,
        # and must show as one (500 and a logged traceback), not as "try again in a minute".
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.error("database error on %s: %s", request.path, exception)
        message = "База данных временно недоступна или не ответила вовремя. Повторите попытку через минуту."
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "database_unavailable", "detail": message}, status=503)
        # Rendered without the request: its context processors read the session, the user and their roles, which
        # would hit the failing database again and turn this page into a 500.
        html = render_to_string("web/error.html", {"title": "Сервис временно недоступен", "message": message})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "60"
        return response
