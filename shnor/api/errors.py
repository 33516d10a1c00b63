"""Every API error is JSON: a stable machine `code` and a Russian `detail` a person can act on.

    {"code": "not_found", "detail": "Школа не найдена"}
    {"code": "invalid", "detail": "Проверьте данные запроса…", "fields": {"version": ["Обязательное поле."]}}

Codes: invalid (400), not_authenticated / authentication_failed (401), forbidden (403), not_found (404),
method_not_allowed (405), not_acceptable (406), stale_version / workflow (409), unsupported_media_type (415),
throttled (429), server_error (500: a bug, logged with its traceback); the database middleware adds
database_unavailable (503).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import server_error as django_server_error
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from shnor.actions.door import ActionError
from shnor.analysis.spravka import SpravkaError
from shnor.intake.services import IntakeError
from shnor.monitoring.workflow import StaleEdit, WorkflowError

SERVER_ERROR = "Внутренняя ошибка сервера: запрос не выполнен, данные не изменены. Ошибка записана в журнал; если она повторяется, сообщите администратору."

# (class, code, default Russian detail); the first matching class wins, so subclasses come first.
KNOWN = [
    (exceptions.ValidationError, "invalid", "Проверьте данные запроса: некоторые поля заполнены неверно."),
    (exceptions.ParseError, "invalid", "Тело запроса не удалось разобрать: проверьте, что это корректный JSON или форма."),
    (exceptions.AuthenticationFailed, "authentication_failed", "Не удалось войти: токен неверен или отозван."),
    (exceptions.NotAuthenticated, "not_authenticated",
     "Требуется вход: передайте токен в заголовке «Authorization: Token …» или войдите в систему."),
    (exceptions.PermissionDenied, "forbidden", "У вас нет прав на это действие."),
    (exceptions.NotFound, "not_found", "Не найдено."),
    (exceptions.MethodNotAllowed, "method_not_allowed", "Этот метод здесь не поддерживается."),
    (exceptions.NotAcceptable, "not_acceptable", "Ответ отдаётся только в формате JSON."),
    (exceptions.UnsupportedMediaType, "unsupported_media_type",
     "Такой формат тела запроса не поддерживается: отправьте JSON или multipart/form-data."),
    (exceptions.Throttled, "throttled", "Слишком много запросов: повторите попытку позже."),
]


def error_body(code: str, detail: str, fields=None) -> dict:
    body = {"code": code, "detail": detail}
    if fields is not None:
        body["fields"] = fields
    return body


def exception_handler(exc, context):
    if isinstance(exc, StaleEdit):
        set_rollback()
        return Response(error_body("stale_version", str(exc)), status=409)
    if isinstance(exc, (WorkflowError, IntakeError, SpravkaError, ActionError)):
        # The action is refused in the object's present state; the message says what to do.
        set_rollback()
        return Response(error_body("workflow", str(exc)), status=409)
    if isinstance(exc, (OperationalError, InterfaceError)):
        return None  # the database is down or busy: DatabaseErrorMiddleware answers 503 database_unavailable
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        # A genuine bug: logged with its traceback as Django logs a 500, answered in JSON like every API error.
        request = context.get("request")
        logging.getLogger("django.request").error("Internal Server Error: %s", getattr(request, "path", ""), exc_info=exc,
                                                  extra={"status_code": 500, "request": getattr(request, "_request", request)})
        set_rollback()
        return Response(error_body("server_error", SERVER_ERROR), status=500)
    exc = api_exc
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{int(exc.wait)}"
    set_rollback()
    return Response(_body(exc), status=exc.status_code, headers=headers)


def _as_api_exception(exc) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    if isinstance(exc, SuspiciousOperation):
        # Too many fields, a body over the size limit, a malformed multipart stream.
        return exceptions.ParseError("Запрос слишком большой или повреждён: сократите его и повторите.")
    return None


def _body(exc: exceptions.APIException) -> dict:
    code, default = next(((c, d) for cls, c, d in KNOWN if isinstance(exc, cls)), ("error", "Запрос не выполнен."))
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        general = fields.pop("non_field_errors", None)
        detail = " ".join(str(m) for m in general) if general else default
        if general and not fields:
            return error_body(code, detail, {})
        return error_body(code, detail, fields)
    if isinstance(exc, exceptions.ParseError):
        return error_body(code, _russian(exc, default), {})
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        return error_body(code, "Проверка CSRF не пройдена: обновите страницу или передайте заголовок X-CSRFToken.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_body(code, default)
    return error_body(code, _russian(exc, default))


def _russian(exc: exceptions.APIException, default: str) -> str:
    """Our own messages are Russian; DRF's generic English ones are replaced by the default."""
    detail = str(exc.detail) if not isinstance(exc.detail, (list, dict)) else ""
    if detail and any("а" <= ch.lower() <= "я" for ch in detail) and detail != str(exc.default_detail):
        return detail
    return default


def server_error(request):
    """Django's 500 handler: JSON under /api/ (an error outside the API's views), the error page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", SERVER_ERROR), status=500, json_dumps_params={"ensure_ascii": False})
    return django_server_error(request)


@csrf_exempt  # nothing is changed here, and a CSRF refusal would answer in HTML
def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/ answer in JSON too, not with the HTML error page."""
    return JsonResponse(error_body("not_found", "Такого адреса в API нет: проверьте путь и косую черту в конце."), status=404,
                        json_dumps_params={"ensure_ascii": False})
