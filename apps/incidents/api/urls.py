from .views import IncidentViewSet

routes = (("incidents", IncidentViewSet, "incident"),)
