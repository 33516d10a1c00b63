from django.urls import path

from . import views

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<slug:code>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<slug:code>/charts/<slug:key>.svg", views.campaign_chart, name="campaign_chart"),
    path("campaigns/<slug:code>/coverage/", views.coverage_detail, name="coverage_detail"),
    path("campaigns/<slug:code>/remind/", views.campaign_remind, name="campaign_remind"),
    path("campaigns/<slug:code>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<slug:code>/reopen/", views.campaign_reopen, name="campaign_reopen"),
    path("campaigns/<slug:code>/export/<slug:table>.<slug:fmt>", views.export_table, name="export_table"),
    path("campaigns/<slug:code>/schools/<int:school_pk>/", views.report_detail, name="report_detail"),
    path("campaigns/<slug:code>/schools/<int:school_pk>/edit/", views.report_edit, name="report_edit"),
    path("campaigns/<slug:code>/schools/<int:school_pk>/autosave/", views.report_autosave, name="report_autosave"),
    path("campaigns/<slug:code>/schools/<int:school_pk>/<slug:action>/", views.report_action, name="report_action"),
    path("campaigns/<slug:code>/municipalities/<int:municipality_pk>/", views.municipal_report_detail, name="municipal_report_detail"),
    path("campaigns/<slug:code>/municipalities/<int:municipality_pk>/edit/", views.municipal_report_edit, name="municipal_report_edit"),
    path("campaigns/<slug:code>/municipalities/<int:municipality_pk>/<slug:action>/", views.municipal_report_action,
         name="municipal_report_action"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/edit/", views.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("queue/", views.curator_queue, name="curator_queue"),
    path("reports/accept/", views.reports_accept, name="reports_accept"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
]
