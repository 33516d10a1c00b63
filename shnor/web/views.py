from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render

from shnor.actions.access import visible_to as actions_visible_to
from shnor.audit.filters import filter_events
from shnor.audit.log import record
from shnor.audit.models import AuditEvent
from shnor.monitoring.completeness import completeness
from shnor.monitoring.models import Campaign, SchoolReport
from shnor.registry.access import require_coordinator
from shnor.registry.models import Membership, Scope
from shnor.registry.tokens import revoke_tokens

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
    campaigns = list(Campaign.objects.visible_to(request.user).filter(status=Campaign.Status.OPEN).select_related("region")[:20])
    context = {"title": "Главная", "scope": scope, "campaigns": campaigns}
    school_ids = [m.school_id for m in scope.memberships if m.role in (Membership.Role.HEAD, Membership.Role.STAFF)]
    if school_ids:
        reports = {(r.campaign_id, r.school_id): r for r in SchoolReport.objects.filter(school_id__in=school_ids)}
        context["my_reports"] = [
            (c, school, reports.get((c.pk, school.pk)))
            for c in campaigns
            for school in c.schools.filter(pk__in=school_ids)
        ]
    if Membership.Role.CURATOR in scope.roles:
        context["queue_count"] = SchoolReport.objects.filter(
            school_id__in=[m.school_id for m in scope.memberships if m.role == Membership.Role.CURATOR],
            status=SchoolReport.Status.SUBMITTED,
        ).count()
    if scope.is_coordinator or Membership.Role.OBSERVER in scope.roles:
        visible = scope.schools()
        context["progress"] = [(c, completeness(c, c.schools.filter(pk__in=visible))) for c in campaigns[:6]]
    context["open_tasks"] = actions_visible_to(request.user).open().order_by("deadline", "pk")[:10]
    context["roles"] = sorted({m.get_role_display() for m in scope.memberships})
    return render(request, "web/home.html", context)


@login_required
def audit_log(request):
    scope = require_coordinator(request.user)
    events, errors = filter_events(AuditEvent.objects.visible_to(scope).select_related("user", "school"), request.GET)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    actions = sorted(set(AuditEvent.objects.visible_to(scope).values_list("action", flat=True).distinct()))
    return render(request, "audit/log.html", {"title": "Журнал изменений", "page": page, "actions": actions, "filters": request.GET, "errors": errors})
