import socket

import pytest
from django.core.mail.backends.locmem import EmailBackend

from tests.notifications.receiver import WebhookReceiver

# example.com's own public address: a name the tests map to it is "a public receiver" without real DNS.
PUBLIC_ADDRESS = "93.184.215.14"


class FakeDNS:
    """socket.getaddrinfo with a table of names (tests change it to mimic DNS changing); literal addresses and
    unknown names go to the real resolver. `lookups` counts the lookups of each name in the table."""

    def __init__(self, real):
        self.real, self.table, self.lookups = real, {}, {}

    def __call__(self, host, port, *args, **kwargs):
        name = host.lower().rstrip(".") if isinstance(host, str) else host
        if name not in self.table:
            return self.real(host, port, *args, **kwargs)
        self.lookups[name] = self.lookups.get(name, 0) + 1
        answer = self.table[name]
        addresses = answer() if callable(answer) else answer
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    """Every notifications test resolves *.example.com to a public address, whatever this machine's DNS says."""
    dns = FakeDNS(socket.getaddrinfo)
    for name in ("example.com", "dash.example.com", "siem.example.com", "dashboard.example.com", "hooks.example.com"):
        dns.table[name] = [PUBLIC_ADDRESS]
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    return dns


@pytest.fixture
def no_loopback(settings):
    """The production rule: the test settings' loopback allowance off."""
    settings.WEBHOOK_ALLOW_LOOPBACK = False


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
