from django.urls import path

from . import views

urlpatterns = [
    path("campaigns/<slug:code>/intake/", views.upload, name="intake_upload"),
]
