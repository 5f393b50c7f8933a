from .views import FindingViewSet, ReviewViewSet, RiskExceptionViewSet

routes = (
    ("reviews", ReviewViewSet, "review"),
    ("findings", FindingViewSet, "finding"),
    ("exceptions", RiskExceptionViewSet, "riskexception"),
)
