from django.urls import path

from .views import dashboard, incidents, reviews, users, vendors

app_name = "workspace"
urlpatterns = [
    path("", dashboard.dashboard_page, name="dashboard"),
    path("vendors/", dashboard.vendor_list, name="vendor-list"),
    path("incidents/", dashboard.incident_list, name="incident-list"),
    path("findings/", dashboard.finding_list, name="finding-list"),
    path("evidence/", dashboard.document_list, name="document-list"),
    path("vendors/<slug:slug>/", vendors.vendor_page, name="vendor"),
    path("vendors/<slug:slug>/mark-met/", vendors.vendor_mark_met, name="vendor-mark-met"),
    path("vendors/<slug:slug>/exception/", vendors.vendor_grant_exception, name="vendor-exception"),
    path("vendors/<slug:slug>/open-review/", vendors.vendor_open_review, name="vendor-open-review"),
    path("vendors/<slug:slug>/offboard/", vendors.vendor_offboard, name="vendor-offboard"),
    path("vendors/<slug:slug>/activate/", vendors.vendor_activate, name="vendor-activate"),
    path("vendors/<slug:slug>/documents/", vendors.vendor_add_document, name="vendor-document"),
    path("vendors/<slug:slug>/incidents/", vendors.vendor_record_incident, name="vendor-record-incident"),
    path("incidents/<int:pk>/", incidents.incident_page, name="incident"),
    path("incidents/<slug:slug>/", incidents.incident_by_slug, name="incident-by-slug"),
    path("incidents/<int:pk>/sources/", incidents.incident_add_source, name="incident-source"),
    path("incidents/<int:pk>/exposures/", incidents.incident_set_exposures, name="incident-exposures"),
    path("incidents/<int:pk>/timeline/", incidents.incident_append_event, name="incident-event"),
    path("incidents/<int:pk>/actions/", incidents.incident_add_action, name="incident-action"),
    path("incidents/<int:pk>/amendments/", incidents.incident_amend, name="incident-amend"),
    path("users/", users.user_list, name="user-list"),
    path("users/<int:pk>/", users.user_page, name="user"),
    path("users/<int:pk>/roles/", users.user_roles, name="user-roles"),
    path("users/<int:pk>/deactivate/", users.user_deactivate_view, name="user-deactivate"),
    path("users/<int:pk>/reactivate/", users.user_reactivate_view, name="user-reactivate"),
    path("users/<int:pk>/mfa-reset/", users.user_mfa_reset_view, name="user-mfa-reset"),
    path("users/<int:pk>/tokens/", users.user_token_create, name="user-token-create"),
    path("users/<int:pk>/tokens/<int:token_id>/revoke/", users.user_token_revoke, name="user-token-revoke"),
    path("reviews/<int:pk>/", reviews.review_page, name="review"),
    path("reviews/<int:pk>/<str:action>/", reviews.review_move, name="review-move"),
]
