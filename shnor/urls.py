from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from shnor.web.views import LoginView, PasswordChangeView, audit_log, favicon, home

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico on pages without an icon of their own (the documents' HTML versions).
    path("favicon.ico", favicon, name="favicon"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_done.html"), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("audit/", audit_log, name="audit_log"),
    path("", include("shnor.registry.urls")),
    path("", include("shnor.plans.urls")),
    path("", include("shnor.monitoring.urls")),
    path("", include("shnor.diagnosis.urls")),
    path("", include("shnor.analysis.urls")),
    path("", include("shnor.actions.urls")),
    path("", include("shnor.intake.urls")),
    path("", include("shnor.exchange.urls")),
    path("api/", include("shnor.api.urls")),
]

handler500 = "shnor.api.errors.server_error"
