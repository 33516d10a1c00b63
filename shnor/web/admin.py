"""The admin's user pages: a password set there revokes the user's API token, as a password change does."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction

from shnor.registry.tokens import revoke_tokens


class PasswordSetForm(AdminPasswordChangeForm):
    @transaction.atomic
    def save(self, commit=True):
        user = super().save(commit=commit)
        revoke_tokens(user, "пароль задан администратором")
        return user


class ShnorUserAdmin(UserAdmin):
    change_password_form = PasswordSetForm


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ShnorUserAdmin)
