from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from careloop.health import views as health_views
from careloop.web import two_factor

urlpatterns = [
    path("login/", two_factor.LoginView.as_view(), name="login"),  # the password, then the code if set up
    path("login/code/", two_factor.login_code, name="login_code"),
    path("me/two-factor/", two_factor.settings_page, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("hooks/", include("careloop.connectors.urls")),
    path("api/", include("careloop.api.urls")),
    path("metrics", health_views.metrics, name="metrics"),  # Prometheus; off until CARELOOP_METRICS_TOKEN is set
    path("", include("careloop.web.urls")),
]
