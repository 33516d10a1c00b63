from django.urls import path

from . import views

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("tasks/<int:pk>/evidence/", views.evidence, name="action_evidence"),
]
