"""The OpenAPI schema documents the error answers too, so that clients (and schemathesis) know them."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="машинный код: invalid, forbidden, not_found, stale_version, workflow, …")
    detail = serializers.CharField(help_text="сообщение на русском языке")
    fields = serializers.DictField(required=False, help_text="ошибки по полям (только для code=invalid)")

    class Meta:
        ref_name = "Error"


ERROR_DESCRIPTIONS = {
    "400": "Неверный запрос (code: invalid)",
    "401": "Требуется вход или неверный токен (code: not_authenticated, authentication_failed)",
    "403": "Нет прав на действие (code: forbidden)",
    "404": "Не найдено или вне области видимости пользователя (code: not_found)",
    "405": "Метод не поддерживается (code: method_not_allowed)",
    "409": "Отчёт уже изменён другим пользователем или действие недопустимо в его состоянии (code: stale_version, workflow)",
    "415": "Формат тела запроса не поддерживается (code: unsupported_media_type)",
}


class ApiSchema(AutoSchema):
    """Adds the error responses every operation may give; views add 409 through `conflict_actions`."""

    def get_tags(self) -> list[str]:
        # /api/v1/reports/{id}/submit/ → "reports": one group per resource in the docs page.
        parts = [p for p in self.path.split("/") if p and not p.startswith("{")]
        return [parts[2] if len(parts) > 2 else parts[-1]]

    def _get_response_bodies(self, direction="response"):
        # drf-spectacular has no public hook for adding responses to every operation of a view.
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "405"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        action = getattr(self.view, "action", None)
        if action in getattr(self.view, "conflict_actions", ()):
            codes.append("409")
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses
