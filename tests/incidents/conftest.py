import pytest

from tests.factories.datamap import DataCategoryFactory, DataFlowFactory
from tests.factories.incidents import IncidentFactory, IncidentSourceFactory
from tests.factories.vendors import VendorServiceFactory


@pytest.fixture
def shared_map(db):
    """A vendor receiving contact/email-address through a flow, and explicitly not receiving api-key."""
    contact = DataCategoryFactory(code="contact")
    email = DataCategoryFactory(code="email-address", parent=contact)
    secrets = DataCategoryFactory(code="authentication-secrets")
    api_key = DataCategoryFactory(code="api-key", parent=secrets)
    health = DataCategoryFactory(code="health")
    service = VendorServiceFactory()
    flow = DataFlowFactory(service=service, shared=[email], not_shared=[api_key])
    incident = IncidentFactory(vendor=service.vendor)
    source = IncidentSourceFactory(incident=incident, key="official-notice")
    return {
        "incident": incident,
        "source": source,
        "flow": flow,
        "contact": contact,
        "email": email,
        "api_key": api_key,
        "secrets": secrets,
        "health": health,
    }
