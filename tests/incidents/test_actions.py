import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.incidents.services import action_add, action_complete
from tests.factories.incidents import IncidentFactory


def test_an_action_is_added_then_completed_once(reviewer):
    action = action_add(
        incident=IncidentFactory(),
        kind="rotate_credentials",
        description="Rotate the vendor's API token.",
        owner=reviewer,
        due_on=datetime.date(2025, 12, 1),
    )
    assert action.done_at is None
    done = action_complete(action=action)
    assert done.done_at is not None
    with pytest.raises(ValidationError) as error:
        action_complete(action=action)
    assert "done_at" in error.value.message_dict


def test_an_unknown_kind_or_a_future_completion_is_refused(reviewer):
    with pytest.raises(ValidationError) as error:
        action_add(incident=IncidentFactory(), kind="pray", description="x")
    assert "kind" in error.value.message_dict
    action = action_add(incident=IncidentFactory(), kind="notify_users", description="Tell them.")
    with pytest.raises(ValidationError) as error:
        action_complete(action=action, done_at=timezone.now() + datetime.timedelta(days=1))
    assert "done_at" in error.value.message_dict
