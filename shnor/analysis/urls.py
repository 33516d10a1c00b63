from django.urls import path

from . import views

urlpatterns = [
    path("campaigns/<slug:code>/spravka/", views.spravka, name="spravka"),
    path("campaigns/<slug:code>/spravka/findings/add/", views.finding_add, name="finding_add"),
    path("campaigns/<slug:code>/spravka/findings/regenerate/", views.findings_regenerate, name="findings_regenerate"),
    path("campaigns/<slug:code>/spravka/findings/<int:pk>/", views.finding_edit, name="finding_edit"),
    path("campaigns/<slug:code>/spravka/findings/<int:pk>/drop/", views.finding_drop, name="finding_drop"),
    path("campaigns/<slug:code>/spravka/issue/", views.spravka_issue, name="spravka_issue"),
    path("campaigns/<slug:code>/spravka/template/", views.spravka_template, name="spravka_template"),
    path("campaigns/<slug:code>/spravka/draft.<slug:fmt>", views.spravka_download, name="spravka_download"),
    path("campaigns/<slug:code>/spravka/<int:pk>.<slug:fmt>", views.issued_file, name="issued_file"),
    path("campaigns/<slug:code>/spravka/<int:pk>/pdf-retry/", views.issued_pdf_retry, name="issued_pdf_retry"),
    path("campaigns/<slug:code>/documents/", views.document_list, name="document_list"),
    path("campaigns/<slug:code>/documents/<slug:kind>.<slug:fmt>", views.document_download, name="document_download"),
    path("campaigns/<slug:code>/documents/<slug:kind>/issue/", views.document_issue, name="document_issue"),
    path("campaigns/<slug:code>/documents/<slug:kind>/template.docx", views.document_template_file, name="document_template_file"),
    path("campaigns/<slug:code>/documents/<slug:kind>/template/", views.document_template, name="document_template"),
    path("campaigns/<slug:code>/documents/issued/<int:pk>.<slug:fmt>", views.document_issued_file, name="document_issued_file"),
    path("campaigns/<slug:code>/documents/bundles/", views.document_bundle_start, name="document_bundle_start"),
    path("campaigns/<slug:code>/documents/bundles/<int:pk>/progress/", views.document_bundle_progress, name="document_bundle_progress"),
    path("campaigns/<slug:code>/documents/bundles/<int:pk>.zip", views.document_bundle_file, name="document_bundle_file"),
    path("campaigns/<slug:code>/analysis/retry/", views.analysis_retry, name="analysis_retry"),
    path("campaigns/<slug:code>/analytics/schools/", views.dashboard_schools, name="dashboard_schools"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
