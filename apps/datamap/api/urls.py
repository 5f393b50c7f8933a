from .views import DataCategoryViewSet, DataFlowViewSet, SystemViewSet

routes = (
    ("systems", SystemViewSet, "system"),
    ("data-categories", DataCategoryViewSet, "datacategory"),
    ("data-flows", DataFlowViewSet, "dataflow"),
)
