from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import render

from shnor.analysis.models import Task
from shnor.audit.log import record
from shnor.monitoring.completeness import completeness
from shnor.monitoring.models import Campaign, SchoolReport
from shnor.registry.models import Membership, Scope

from . import throttle


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Неверное имя пользователя или пароль.",
        "inactive": "Учётная запись отключена. Обратитесь к координатору.",
        "locked": "Слишком много неудачных попыток входа. Подождите 15 минут и попробуйте снова.",
    }

    def clean(self):
        username = self.data.get("username", "")
        address = client_address(self.request) if self.request else ""
        if throttle.is_locked(username, address):
            raise ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.note_failure(username, address)
            raise
        throttle.clear(username, address)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        record(form.get_user(), "auth.login", form.get_user(), f"Вход пользователя {form.get_user().username}")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone changes their own password; the policy (AUTH_PASSWORD_VALIDATORS) applies."""

    template_name = "registration/password_change.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        record(self.request.user, "auth.password_change", self.request.user, f"Пользователь {self.request.user.username} сменил пароль")
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
    if scope.is_coordinator:
        context["open_tasks"] = Task.objects.filter(campaign__in=Campaign.objects.visible_to(request.user), status=Task.Status.OPEN).order_by("deadline")[:10]
    context["roles"] = sorted({m.get_role_display() for m in scope.memberships})
    return render(request, "web/home.html", context)
