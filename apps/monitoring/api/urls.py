from django.urls import path

from .views import (
    ConcentrationFindingViewSet,
    ConcentrationThresholdViewSet,
    ConcentrationView,
    FeedWebhookView,
    FourthPartiesView,
    ResidualRiskViewSet,
    SignalViewSet,
    SubprocessorCategoryViewSet,
    SubprocessorExposureView,
)

routes = (
    ("subprocessor-categories", SubprocessorCategoryViewSet, "subprocessor-category"),
    ("signals", SignalViewSet, "signal"),
    ("concentration-thresholds", ConcentrationThresholdViewSet, "concentration-threshold"),
    ("concentration-findings", ConcentrationFindingViewSet, "concentration-finding"),
    ("residual-risks", ResidualRiskViewSet, "residual-risk"),
)
urlpatterns = [
    path("subprocessors/<slug:slug>/exposure/", SubprocessorExposureView.as_view(), name="subprocessor-exposure"),
    path("vendors/<slug:slug>/fourth-parties/", FourthPartiesView.as_view(), name="vendor-fourth-parties"),
    path("concentration/", ConcentrationView.as_view(), name="concentration"),
    path("feeds/<slug:key>/entries/", FeedWebhookView.as_view(), name="feed-entries"),
]
