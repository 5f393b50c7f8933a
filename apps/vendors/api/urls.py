from .views import ContractViewSet, DocumentViewSet, SubprocessorViewSet, VendorViewSet

routes = (
    ("vendors", VendorViewSet, "vendor"),
    ("contracts", ContractViewSet, "contract"),
    ("documents", DocumentViewSet, "document"),
    ("subprocessors", SubprocessorViewSet, "subprocessor"),
)
