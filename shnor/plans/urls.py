from django.urls import path

from . import views

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/types/<slug:code>/", views.activity_type_edit, name="activity_type_edit"),
    path("catalogue/directions/<int:pk>/", views.direction_edit, name="direction_edit"),
    path("schools/<int:school_pk>/roadmap/", views.roadmap_edit, name="roadmap_edit"),
    path("schools/<int:school_pk>/roadmap/<int:activity_pk>/", views.roadmap_edit, name="roadmap_activity_edit"),
    path("schools/<int:school_pk>/roadmap/<int:activity_pk>/delete/", views.roadmap_activity_delete, name="roadmap_activity_delete"),
    path("municipalities/<int:municipality_pk>/roadmap/", views.municipal_roadmap, name="municipal_roadmap"),
    path("municipalities/<int:municipality_pk>/roadmap/<int:activity_pk>/", views.municipal_roadmap, name="municipal_roadmap_activity_edit"),
    path("municipalities/<int:municipality_pk>/roadmap/<int:activity_pk>/delete/", views.municipal_roadmap_activity_delete,
         name="municipal_roadmap_activity_delete"),
]
