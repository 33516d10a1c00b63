from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shnor.audit.log import record
from shnor.registry.models import Membership, Municipality, Region, School


class Command(BaseCommand):
    help = "Создать пользователя с ролью: shnor createuser ИМЯ --role curator --school 12 --password …"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Membership.Role.values)
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Фамилия Имя Отчество")
        parser.add_argument("--region", help="код региона (для регионального координатора и наблюдателя)")
        parser.add_argument("--municipality", type=int, help="id муниципалитета")
        parser.add_argument("--school", type=int, action="append", help="id школы (можно несколько раз для куратора)")
        parser.add_argument("--position", default="")

    @transaction.atomic
    def handle(self, *args, username, role, password, email, name, region, municipality, school, position, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"Пользователь «{username}» уже есть.")
        last, _, first = name.partition(" ")
        user = User(username=username, email=email, last_name=last, first_name=first)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Пароль не подходит: " + " ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        scopes = []
        try:
            if role in ("regional", "observer") and region:
                scopes = [{"region": Region.objects.get(code=region)}]
            elif role == "observer":
                scopes = [{}]
            elif role == "municipal":
                scopes = [{"municipality": Municipality.objects.get(pk=municipality)}]
            else:
                scopes = [{"school": School.objects.get(pk=pk)} for pk in school or []]
        except (Region.DoesNotExist, Municipality.DoesNotExist, School.DoesNotExist):
            raise CommandError("Регион, муниципалитет или школа не найдены: проверьте код или id.") from None
        if not scopes:
            raise CommandError("Укажите область действия роли: --region, --municipality или --school.")
        for scope in scopes:
            Membership.objects.create(user=user, role=role, position=position, **scope)
        record(None, "user.create", user, f"Создан пользователь {username} с ролью {Membership.Role(role).label}")
        self.stdout.write(f"Пользователь {username} создан.")
