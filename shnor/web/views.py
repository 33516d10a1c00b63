from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from shnor.audit.filters import filter_events
from shnor.audit.log import record
from shnor.audit.models import AuditEvent
from shnor.registry.access import require_coordinator
from shnor.registry.models import Membership, Scope
from shnor.registry.tokens import revoke_tokens

from . import todo
from .login import locked_message


class LockoutAwareAuthenticationForm(AuthenticationForm):
    """The lock-out itself is django-axes' (its backend refuses, its middleware answers 429); the form says why."""

    error_messages = {
        "invalid_login": "Неверное имя пользователя или пароль.",
        "inactive": "Учётная запись отключена. Обратитесь к координатору.",
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(locked_message(), code="locked") from None
            raise


class LoginView(auth_views.LoginView):
    form_class = LockoutAwareAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        record(form.get_user(), "auth.login", form.get_user(), f"Вход пользователя {form.get_user().username}")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone changes their own password; the policy (AUTH_PASSWORD_VALIDATORS) applies."""

    template_name = "registration/password_change.html"

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        record(self.request.user, "auth.password_change", self.request.user, f"Пользователь {self.request.user.username} сменил пароль")
        revoke_tokens(self.request.user, "пароль сменён")
        return response


@login_required
def home(request):
    scope = Scope.of(request.user)
    campaigns = todo.open_campaigns(request.user)
    roles = scope.roles
    return render(request, "web/home.html", {
        "title": "Главная", "scope": scope, "campaigns": campaigns,
        "my_reports": todo.school_todos(scope, campaigns),
        "curator": todo.curator_todo(scope, campaigns),
        "coordinator": todo.coordinator_todo(scope, campaigns),
        "open_tasks": todo.addressed_to(request.user),
        "progress": todo.observer_summary(scope, campaigns) if Membership.Role.OBSERVER in roles and not scope.is_coordinator else None,
        "roles": sorted({m.get_role_display() for m in scope.memberships}),
    })


@login_required
def audit_log(request):
    scope = require_coordinator(request.user)
    events, errors = filter_events(AuditEvent.objects.visible_to(scope).select_related("user", "school"), request.GET)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    actions = sorted(set(AuditEvent.objects.visible_to(scope).values_list("action", flat=True).distinct()))
    return render(request, "audit/log.html", {"title": "Журнал изменений", "page": page, "actions": actions, "filters": request.GET, "errors": errors})


def favicon(request):
    """The site's icon where a browser asks for /favicon.ico (the static file's address is read at request time: in
    production it carries the manifest's hash)."""
    return HttpResponsePermanentRedirect(static("shnor/favicon.svg"))
