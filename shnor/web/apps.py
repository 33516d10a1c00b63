from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, **kwargs):
    """`shnor migrate` also creates the table of the database cache (a no-op for other cache backends)."""
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0, database=kwargs.get("using", "default"))


class WebConfig(AppConfig):
    name = "shnor.web"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self)
