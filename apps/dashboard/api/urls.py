from django.urls import path

from .views import DashboardView

routes = ()
urlpatterns = [path("dashboard/", DashboardView.as_view(), name="dashboard")]
