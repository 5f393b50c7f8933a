"""Container healthcheck: `python deploy/healthcheck.py live|ready` exits 0 when gunicorn on 127.0.0.1 answers 200.

Production settings accept only ALLOWED_HOSTS and redirect plain http to https, so the probe names the first
allowed host and says the request arrived over https (SECURE_PROXY_SSL_HEADER), as the proxy in front would.
"""

import os
import sys
import urllib.request

kind = sys.argv[1] if len(sys.argv) > 1 else "live"
host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".") or "localhost"
port = os.environ.get("PORT", "8000")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz/{kind}", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=8) as response:  # noqa: S310 - a fixed loopback URL
        sys.exit(0 if response.status == 200 else 1)
except OSError as exc:
    print(f"healthcheck {kind}: {exc}", file=sys.stderr)
    sys.exit(1)
