"""/portal/: the vendor's pages, reached by an emailed link, no account. Fixed paths before the token path."""

from django.urls import path

from . import portal

app_name = "portal"
urlpatterns = [
    path("", portal.home, name="home"),
    path("code/", portal.code, name="code"),
    path("questionnaire/", portal.questionnaire, name="questionnaire"),
    path("files/<int:file_id>/remove/", portal.file_remove, name="file-remove"),
    path("delegate/", portal.delegate, name="delegate"),
    path("submit/", portal.submit, name="submit"),
    path("leave/", portal.leave, name="leave"),
    path("<str:token>/", portal.open_link, name="open"),
]
