from django.urls import path

from .views import ExportView, ImportView, RoiView

routes = ()
urlpatterns = [
    path("exchange/import/", ImportView.as_view(), name="exchange-import"),
    path("exchange/export/", ExportView.as_view(), name="exchange-export"),
    path("exchange/roi/", RoiView.as_view(), name="exchange-roi"),
]
