from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from shnor.actions.door import MARKABLE
from shnor.actions.models import Action
from shnor.analysis.models import Finding
from shnor.diagnosis.models import Need
from shnor.intake.models import ImportBatch, ImportFile, ImportItem
from shnor.monitoring.models import Campaign, Evidence, ReportEntry, SchoolReport
from shnor.registry.models import School, SchoolStatus

from . import diagnosis, views
from .errors import not_found
from .serializers import EVIDENCE_KINDS

router = SimpleRouter()
router.register("regions", views.RegionViewSet, basename="api-region")
router.register("municipalities", views.MunicipalityViewSet, basename="api-municipality")
router.register("schools", views.SchoolViewSet, basename="api-school")
router.register("frameworks", views.FrameworkViewSet, basename="api-framework")
router.register("activity-types", views.ActivityTypeViewSet, basename="api-activity-type")
router.register("indicators", views.IndicatorViewSet, basename="api-indicator")
router.register("roadmaps", views.RoadmapViewSet, basename="api-roadmap")
router.register("planned-activities", views.PlannedActivityViewSet, basename="api-planned-activity")
router.register("campaigns", views.CampaignViewSet, basename="api-campaign")
router.register("reports", views.ReportViewSet, basename="api-report")
router.register("indicator-values", views.IndicatorValueViewSet, basename="api-indicator-value")
router.register("indicator-changes", views.IndicatorChangeViewSet, basename="api-indicator-change")
router.register("intake", views.IntakeBatchViewSet, basename="api-intake")
router.register("actions", views.ActionViewSet, basename="api-action")
router.register("needs", diagnosis.NeedViewSet, basename="api-need")
router.register("needs-coverage", diagnosis.NeedsCoverageViewSet, basename="api-needs-coverage")
router.register("outcomes", diagnosis.OutcomeViewSet, basename="api-outcome")

# The schema and the docs page hold no data; they are open so that an integrator can read them first.
docs = {"authentication_classes": [], "permission_classes": []}
# Several fields are called `status` or `kind` with different choices; name their enums explicitly.
ENUMS = {
    "ReportStatusEnum": SchoolReport.Status.choices,
    "EntryStatusEnum": ReportEntry.Status.choices,
    "CampaignStatusEnum": Campaign.Status.choices,
    "SchoolStatusEnum": SchoolStatus.Kind.choices,
    "SchoolKindEnum": School.Kind.choices,
    "EvidenceKindEnum": Evidence.Kind.choices,
    "EvidenceInputKindEnum": EVIDENCE_KINDS,
    "ImportBatchStatusEnum": ImportBatch.Status.choices,
    "ImportFileStatusEnum": ImportFile.Status.choices,
    "ImportItemKindEnum": ImportItem.Kind.choices,
    "FindingKindEnum": Finding.Kind.choices,
    "ActionKindEnum": Action.Kind.choices,
    "ActionStatusEnum": Action.STATUS_CHOICES,
    "ActionMarkEnum": [(k, v) for k, v in Action.STATUS_CHOICES if k in MARKABLE],
    "ActionAddresseeEnum": Action.ADDRESSEE_CHOICES,
    "NeedKindEnum": Need.Kind.choices,
    "NeedGroupEnum": Need.Group.choices,
    "NeedFoundByEnum": Need.FoundBy.choices,
}

# The documentation pages' scripts (Swagger UI, Redoc) set styles by inserting <style> elements and Redoc runs a
# worker from a blob: the policy is loosened for styles and workers there only; they hold no data, and scripts
# stay limited to our own static files.
docs_page = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})

urlpatterns = [
    path("v1/me/", views.MeView.as_view(), name="api-me"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(custom_settings={"ENUM_NAME_OVERRIDES": ENUMS}, **docs), name="api-schema"),
    path("docs/", docs_page(SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html", **docs)),
         name="api-docs"),
    path("redoc/", docs_page(SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html", **docs)), name="api-redoc"),
    re_path(r"^[\s\S]*$", not_found),  # any path, newlines included
]
