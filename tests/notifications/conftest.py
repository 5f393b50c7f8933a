import pytest
from django.core.mail.backends.locmem import EmailBackend

from tests.notifications.receiver import WebhookReceiver


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


class FlakyEmailBackend(EmailBackend):
    """The locmem backend, but the mail server refuses the first `failures` messages."""

    failures = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.failures > 0:
            FlakyEmailBackend.failures -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.notifications.conftest.FlakyEmailBackend"
    yield FlakyEmailBackend
    FlakyEmailBackend.failures = 0


@pytest.fixture
def eager_retries():
    """Let eager tasks retry in process: Celery re-runs an eager task's retry at once only when eager exceptions
    do not propagate (the project default propagates them, so a failing task fails its test)."""
    from vendorrisk.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous
