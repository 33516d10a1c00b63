from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shnor.registry"
