from django.apps import AppConfig


class DiagnosisConfig(AppConfig):
    name = "shnor.diagnosis"
    verbose_name = "диагностика школ"
