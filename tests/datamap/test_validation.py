"""A flow cannot say a category is both shared and not shared: refused by validation and by the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.datamap.choices import Sharing
from apps.datamap.models import DataCategory, DataFlowCategory
from apps.datamap.services import category_update, flow_category_set
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    secrets = DataCategoryFactory(code="secrets")
    password = DataCategoryFactory(code="pass", parent=secrets)
    return secrets, password


def test_same_category_shared_and_not_shared_is_refused_by_model_validation(tree):
    _, password = tree
    flow = DataFlowFactory(shared=[password])
    duplicate = DataFlowCategory(flow=flow, category=password, sharing=Sharing.NOT_SHARED)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "either shared or not shared on a flow, not both" in str(error.value)


def test_same_category_shared_and_not_shared_is_refused_by_the_database(tree):
    _, password = tree
    flow = DataFlowFactory(shared=[password])
    with pytest.raises(IntegrityError), transaction.atomic():
        DataFlowCategory.objects.create(flow=flow, category=password, sharing=Sharing.NOT_SHARED)
    assert DataFlowCategory.objects.filter(flow=flow).count() == 1


def test_sharing_a_category_whose_parent_is_not_shared_is_refused(tree):
    secrets, password = tree
    flow = DataFlowFactory(not_shared=[secrets])
    with pytest.raises(ValidationError) as error:
        flow_category_set(flow=flow, category=password, sharing=Sharing.SHARED)
    expected = f"{password} cannot be shared: this flow says {secrets} is not shared."
    assert error.value.message_dict["sharing"] == [expected]


def test_denying_a_parent_of_a_shared_category_is_refused(tree):
    secrets, password = tree
    flow = DataFlowFactory(shared=[password])
    with pytest.raises(ValidationError) as error:
        flow_category_set(flow=flow, category=secrets, sharing=Sharing.NOT_SHARED)
    expected = f"{secrets} cannot be marked not shared: this flow shares {password}, which it contains."
    assert error.value.message_dict["sharing"] == [expected]
    assert not DataFlowCategory.objects.filter(flow=flow, category=secrets).exists()


def test_model_validation_of_a_flow_category_runs_no_query(tree, django_assert_num_queries):
    secrets, password = tree
    flow = DataFlowFactory(not_shared=[secrets])
    row = DataFlowCategory(flow=flow, category=password, sharing=Sharing.SHARED)
    with django_assert_num_queries(0):
        row.clean()


def test_denying_a_child_of_a_shared_parent_is_a_refinement_not_a_contradiction(tree):
    secrets, password = tree
    flow = DataFlowFactory(shared=[secrets])
    flow_category_set(flow=flow, category=password, sharing=Sharing.NOT_SHARED)


def test_flow_category_set_replaces_the_answer_and_refuses_a_contradiction(tree):
    secrets, password = tree
    flow = DataFlowFactory(shared=[password])
    row = flow_category_set(flow=flow, category=password, sharing=Sharing.NOT_SHARED, note="per vendor notice")
    assert (row.sharing, row.note, flow.flow_categories.count()) == (Sharing.NOT_SHARED, "per vendor notice", 1)
    flow_category_set(flow=flow, category=secrets, sharing=Sharing.NOT_SHARED)
    with pytest.raises(ValidationError):
        flow_category_set(flow=flow, category=password, sharing=Sharing.SHARED)
    assert DataFlowCategory.objects.get(flow=flow, category=password).sharing == Sharing.NOT_SHARED


def test_flow_category_set_refuses_an_unknown_sharing_value(tree):
    _, password = tree
    flow = DataFlowFactory()
    with pytest.raises(ValidationError) as error:
        flow_category_set(flow=flow, category=password, sharing="maybe")
    assert "sharing" in error.value.message_dict
    assert not DataFlowCategory.objects.filter(flow=flow).exists()


def test_a_category_cannot_be_its_own_ancestor(tree):
    secrets, password = tree
    with pytest.raises(ValidationError) as error:
        category_update(category=secrets, actor=None, parent=password)
    assert "parent" in error.value.message_dict
    assert DataCategory.objects.get(pk=secrets.pk).parent is None
