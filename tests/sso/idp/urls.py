from django.urls import include, path

from . import views

urlpatterns = [
    path("login/", views.sign_in),
    path("control/", views.control),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
