from django.urls import path

from . import views

urlpatterns = [
    path("schools/<int:school_pk>/diagnosis/add/", views.need_edit, name="need_add"),
    path("schools/<int:school_pk>/diagnosis/risks/", views.need_adopt_risks, name="need_adopt_risks"),
    path("schools/<int:school_pk>/diagnosis/<int:pk>/", views.need_edit, name="need_edit"),
    path("schools/<int:school_pk>/diagnosis/<int:pk>/delete/", views.need_delete, name="need_delete"),
    path("schools/<int:school_pk>/diagnosis/<int:pk>/measures/", views.need_measures, name="need_measures"),
]
