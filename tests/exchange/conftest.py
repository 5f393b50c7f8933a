import pytest

from tests.factories.datamap import DataCategoryFactory


@pytest.fixture
def catalogue(db):
    """The three categories the test workbooks name; `password` under `authentication-secrets`."""
    secrets = DataCategoryFactory(code="authentication-secrets", sensitivity=4)
    return {
        "email-address": DataCategoryFactory(code="email-address"),
        "name": DataCategoryFactory(code="name"),
        "password": DataCategoryFactory(code="password", parent=secrets, sensitivity=4),
    }
