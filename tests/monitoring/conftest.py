"""A three-level subprocessor chain and a loopback feed server for the monitoring tests."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient

from apps.datamap.choices import Sensitivity, Sharing
from apps.monitoring.choices import CategorySource
from apps.monitoring.services import subprocessor_category_set
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.vendors import SubprocessorFactory, VendorFactory, VendorServiceFactory


@dataclass
class Chain:
    acme: object
    cloud: object
    datacentre: object
    flow: object
    email: object
    ip: object
    card: object


@pytest.fixture
def chain(db, reviewer):
    """console → acme (email, ip, card) → cloudco (gets contact and ip, not card) → datacentre (nothing declared)."""
    contact = DataCategoryFactory(code="contact", sensitivity=Sensitivity.MEDIUM)
    email = DataCategoryFactory(code="email-address", parent=contact, sensitivity=Sensitivity.MEDIUM)
    ip = DataCategoryFactory(code="ip-address", sensitivity=Sensitivity.MEDIUM)
    card = DataCategoryFactory(code="payment-card", sensitivity=Sensitivity.CRITICAL)
    acme = VendorFactory(slug="acme", display_name="Acme Analytics", domains=["acme-analytics.com"], tier=1)
    cloud = VendorFactory(slug="cloudco", display_name="CloudCo", domains=["cloudco.example"], tier=2)
    datacentre = VendorFactory(slug="datacentre", display_name="Datacentre Ltd", domains=["dc.example"], tier=3)
    service = VendorServiceFactory(vendor=acme, slug="events")
    flow = DataFlowFactory(
        code="console-to-acme", system=SystemFactory(slug="console"), service=service, shared=[email, ip, card]
    )
    first = SubprocessorFactory(vendor=acme, subprocessor=cloud, country="IE")
    SubprocessorFactory(vendor=cloud, subprocessor=datacentre, country="DE")
    for category, sharing in ((contact, Sharing.SHARED), (ip, Sharing.SHARED), (card, Sharing.NOT_SHARED)):
        subprocessor_category_set(
            link=first,
            category=category,
            sharing=sharing,
            source=CategorySource.DECLARATION,
            reference="Acme DPA annex 3",
            actor=reviewer,
        )
    return Chain(acme, cloud, datacentre, flow, email, ip, card)


@dataclass
class FeedServer:
    """http.server on 127.0.0.1 serving `routes` (path → (status, content type, body, delay seconds)).

    A request carrying If-None-Match equal to the route's ETag is answered 304. Every request is kept."""

    routes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def url(self, path):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def start(self):
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                feed.requests.append((self.path, dict(self.headers.items())))
                status, content_type, body, delay = feed.routes.get(self.path, (404, "text/plain", b"", 0))
                if delay:
                    time.sleep(delay)
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def api():
    """`api(user)` is a client authenticated as that user."""

    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for
