from django.urls import path

from . import views

urlpatterns = [
    path("campaigns/<slug:code>/spravka/", views.spravka, name="spravka"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("tasks/", views.task_list, name="task_list"),
]
