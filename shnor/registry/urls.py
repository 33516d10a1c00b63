from django.urls import path

from . import views

urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/import/", views.school_import, name="school_import"),
    path("schools/import/template.xlsx", views.school_template, name="school_template"),
]
