from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "shnor.actions"
    verbose_name = "Рекомендации и решения"
