from django.urls import path

from . import views

urlpatterns = [
    path("campaigns/<slug:code>/intake/", views.upload, name="intake_upload"),
    path("intake/<int:pk>/", views.batch_detail, name="intake_batch"),
    path("intake/<int:pk>/progress/", views.batch_progress, name="intake_progress"),
    path("intake/<int:pk>/review/", views.batch_review, name="intake_review"),
    path("intake/<int:pk>/retry/", views.batch_retry, name="intake_retry"),
    path("intake/<int:pk>/undo/", views.batch_undo, name="intake_undo"),
]
