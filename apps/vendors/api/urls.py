from .views import ContractViewSet, DocumentViewSet, VendorViewSet

routes = (
    ("vendors", VendorViewSet, "vendor"),
    ("contracts", ContractViewSet, "contract"),
    ("documents", DocumentViewSet, "document"),
)
