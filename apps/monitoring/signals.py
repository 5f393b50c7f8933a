"""Django signals of the monitoring app: for notifications only (apps.notifications.receivers listens)."""

from django.dispatch import Signal as DjangoSignal

signal_opened = DjangoSignal()  # feed_signal=
signal_confirmed = DjangoSignal()  # feed_signal=, incident= (Django passes its own `signal`)
concentration_threshold_exceeded = DjangoSignal()  # finding=
