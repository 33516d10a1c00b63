from django.urls import path

from . import views

urlpatterns = [
    path("exchange/", views.index, name="exchange"),
    path("exchange/export/<slug:table>.<slug:fmt>", views.export, name="exchange_export"),
    path("exchange/campaigns/<slug:code>/<slug:table>.<slug:fmt>", views.export, name="exchange_campaign_export"),
    path("exchange/roadmaps/", views.roadmap_import, name="exchange_roadmap_import"),
    path("exchange/roadmaps/template.xlsx", views.roadmap_blank, name="exchange_roadmap_template"),
    path("exchange/indicators/", views.indicator_import, name="exchange_indicator_import"),
    path("exchange/actions/", views.action_import, name="exchange_action_import"),
    path("exchange/needs/", views.need_import, name="exchange_need_import"),
    path("exchange/indicators/template.xlsx", views.indicator_blank, name="exchange_indicator_template"),
]
