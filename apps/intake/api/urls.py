from .views import IntakeRequestViewSet

routes = (("intake-requests", IntakeRequestViewSet, "intakerequest"),)
