"""Passwords: at least 12 characters, not a common password, not close to the user's own name or email."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories.accounts import UserFactory


def refusal_codes(password, user=None):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=user)
    return {error.code for error in refused.value.error_list}


def test_eleven_characters_are_too_short(db):
    assert "password_too_short" in refusal_codes("kq7#vm2!xp9")


def test_a_common_password_is_refused_even_when_long_enough(db):
    assert "password_too_common" in refusal_codes("password1234")


def test_a_password_like_the_username_is_refused(db):
    user = UserFactory(username="margaret.hamilton", email="margaret.hamilton@example.com")
    assert "password_too_similar" in refusal_codes("margaret.hamilton", user=user)


def test_a_long_unusual_password_is_accepted(db):
    validate_password("violet-kettle-orbit-37", user=UserFactory(username="reviewer"))
