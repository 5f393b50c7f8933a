from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.intake_list, name="list"),
    path("new/", views.intake_create, name="create"),
    path("vendors/search/", views.intake_vendor_search, name="vendor-search"),
    path("<int:pk>/", views.intake_edit, name="edit"),
]
