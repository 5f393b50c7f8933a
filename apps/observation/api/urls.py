from .views import CrawlViewSet, DriftFindingViewSet, ObservedRequestViewSet, TargetViewSet

routes = (
    ("observation/targets", TargetViewSet, "observation-target"),
    ("observation/findings", DriftFindingViewSet, "drift-finding"),
    ("observation/requests", ObservedRequestViewSet, "observed-request"),
    ("observation/crawls", CrawlViewSet, "crawl"),
)
