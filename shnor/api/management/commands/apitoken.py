from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from shnor.api.permissions import token_expires
from shnor.audit.log import record
from shnor.core.russian import format_date
from shnor.registry.tokens import revoke_tokens


class Command(BaseCommand):
    help = (
        "API-токен пользователя для интеграций: shnor apitoken ИМЯ [--reset | --revoke]. "
        "Токен передаётся в заголовке «Authorization: Token <ключ>» и даёт те же права, что и роль пользователя."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reset", action="store_true", help="выпустить новый токен вместо прежнего")
        group.add_argument("--revoke", action="store_true", help="отозвать токен")

    @transaction.atomic
    def handle(self, *args, username, reset: bool, revoke: bool, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Активного пользователя «{username}» нет.")
        if revoke or reset:
            deleted = revoke_tokens(user, "командой shnor apitoken")
            if revoke:
                self.stdout.write("Токен отозван." if deleted else "Токена не было.")
                return
        token, created = Token.objects.get_or_create(user=user)
        if created:
            record(None, "api.token_issue", user, f"Выпущен API-токен пользователя {username}")
        else:
            self.stderr.write("У пользователя уже есть токен; новый выпускается с --reset.")
        expires = token_expires(token)
        if expires is not None:
            self.stderr.write(f"Токен действует до {format_date(timezone.localdate(expires))}" if expires > timezone.now() else
                              f"Срок действия токена истёк {format_date(timezone.localdate(expires))}: выпустите новый с --reset.")
        self.stdout.write(token.key)
