"""Sent with kwargs: review, from_state, to_state, actor."""

from django.dispatch import Signal

review_state_changed = Signal()
