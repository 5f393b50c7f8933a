from .views import BaselineViewSet, SecurityRequirementViewSet, VendorRequirementViewSet

routes = (
    ("requirements", SecurityRequirementViewSet, "requirement"),
    ("baselines", BaselineViewSet, "baseline"),
    ("vendor-requirements", VendorRequirementViewSet, "vendorrequirement"),
)
