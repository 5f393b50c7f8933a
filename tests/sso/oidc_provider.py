"""A real OpenID Connect provider on loopback for the SSO tests: django-oauth-toolkit in a subprocess
(tests/sso/idp/), with a control endpoint to set up people, clients and faults, and a browser to sign in there."""

import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

CLIENT_ID = "vendorrisk-test"
CLIENT_SECRET = "vendorrisk-test-secret-0123456789"
REDIRECT_URI = "http://testserver/sso/oidc/callback/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class OidcProvider:
    url: str
    database: str = ""

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def control(self, **body):
        response = requests.post(f"{self.url}/control/", json=body, timeout=10)
        response.raise_for_status()

    def person(self, username, *, groups=(), amr=(), acr="", active=True):
        self.control(
            user={"username": username, "groups": list(groups), "amr": list(amr), "acr": acr, "active": active}
        )

    def faults(self, **faults):
        self.control(faults=faults)

    def authorize(self, authorization_url: str, username: str, password: str = "idp-password") -> str:  # noqa: S107
        """Sign in at the provider as a browser would and follow the authorize request: the callback URL it sends
        the browser back to (path and query), or raises when the provider refuses."""
        browser = requests.Session()
        login = browser.post(
            f"{self.url}/login/", data={"username": username, "password": password}, allow_redirects=False, timeout=10
        )
        if login.status_code != 302:
            raise PermissionError(f"the provider refused {username}: {login.status_code}")
        answer = browser.get(authorization_url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:500]
        location = urlsplit(answer.headers["Location"])
        assert location.netloc == "testserver", answer.headers["Location"]
        return f"{location.path}?{location.query}"


def start_provider():
    """Start the provider; returns (OidcProvider, process). The caller terminates the process."""
    port = _free_port()
    database = tempfile.NamedTemporaryFile(prefix="idp-", suffix=".sqlite3", delete=False)  # noqa: SIM115
    database.close()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.sso.idp.settings",
        "IDP_DATABASE": database.name,
        "IDP_RSA_PRIVATE_KEY": _private_key_pem(),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sso.idp.serve", str(port)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
    )
    ready = process.stdout.readline().decode().strip()
    if ready != "ready":
        process.kill()
        raise RuntimeError(f"the test OpenID Connect provider did not start (said {ready!r})")
    provider = OidcProvider(url=f"http://127.0.0.1:{port}")
    provider.control(client={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT_URI})
    provider.database = database.name
    return provider, process


def stop_provider(provider, process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    os.unlink(provider.database)
