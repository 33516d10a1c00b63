"""A database that is down or too slow gives a clean Russian error page, not a traceback."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from django.template.response import TemplateResponse

log = logging.getLogger(__name__)


class DatabaseErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        log.error("database error on %s: %s", request.path, exception)
        message = "База данных временно недоступна или не ответила вовремя. Повторите попытку через минуту."
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "database_unavailable", "detail": message}, status=503)
        response = TemplateResponse(request, "web/error.html", {"title": "Сервис временно недоступен", "message": message}, status=503)
        return response.render()
