"""Domain signals of the reviews app. Sent by apps.reviews.services inside the transaction of the move."""

from django.dispatch import Signal

# Sent with review, from_state, to_state, actor. Receivers that enqueue work must use transaction.on_commit.
review_state_changed = Signal()
