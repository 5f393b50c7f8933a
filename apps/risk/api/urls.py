from .views import BaselineViewSet, SecurityRequirementViewSet, TighteningViewSet, VendorRequirementViewSet

routes = (
    ("requirements", SecurityRequirementViewSet, "requirement"),
    ("baselines", BaselineViewSet, "baseline"),
    ("vendor-requirements", VendorRequirementViewSet, "vendorrequirement"),
    ("tightenings", TighteningViewSet, "tightening"),
)
