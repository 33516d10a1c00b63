from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

# What every analysis reads but no door of a campaign writes (the registry, the plans, the indicators' catalogue edited
# in the admin): a change of any of these makes the stored analyses stale.
OUTSIDE_THE_DOORS = ("registry.Region", "registry.Municipality", "registry.School", "registry.SchoolStatus",
                      "plans.Framework", "plans.Direction", "plans.ActivityType", "plans.TypeMapping", "plans.Roadmap",
                      "plans.PlannedActivity", "monitoring.Indicator")


class AnalysisConfig(AppConfig):
    name = "shnor.analysis"

    def ready(self):
        from django.apps import apps

        from .stored import forget_all

        for label in OUTSIDE_THE_DOORS:
            model = apps.get_model(label)
            post_save.connect(forget_all, sender=model, dispatch_uid=f"forget-analyses-{label}-save")
            post_delete.connect(forget_all, sender=model, dispatch_uid=f"forget-analyses-{label}-delete")
