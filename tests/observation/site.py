"""A small site of our own on loopback, with a 'tracking' vendor and an unknown third party beside it.

Three servers on three loopback addresses (the host is what a vendor's domain matches, so each origin needs its
own address): 127.0.0.1 is our system's pages, 127.0.0.2 a vendor's SDK host, 127.0.0.3 a host nobody declared.
Each server logs every request it receives, so a test can prove what the crawl let reach it.
"""

import threading
import time
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CANARY_EMAIL = "ada.canary@example.org"
CANARY_NAME = "Ada Canary"
CANARY_USER_ID = "user-4242"
# /slow answers after this long: far past any crawl budget the tests set, so that a crawl which finishes well before it
# stopped at its budget, even on a machine busy enough (parallel workers, a shared CI host) to take seconds to start
# Chromium. The server's threads are daemons: nothing waits for the sleep at the end of a test.
SLOW_PAGE_SECONDS = 60


def _handler(routes, log, redirects):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            log.append((self.command, self.path))
            path = self.path.split("?", 1)[0]
            if path == "/slow":
                time.sleep(SLOW_PAGE_SECONDS)
            if path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            content_type, body = routes.get(path, ("text/plain", b""))
            self.send_response(200 if path in routes else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_OPTIONS = _answer

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def serve(address, routes, redirects=None):
    log = []
    server = ThreadingHTTPServer((address, 0), _handler(routes, log, {} if redirects is None else redirects))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{address}:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def tracked_site():
    """(site origin, tracker origin, unknown origin, logs by origin)."""
    with ExitStack() as stack:
        tracker_routes = {}
        unknown_routes = {"/pixel.gif": ("image/gif", b"GIF89a")}
        tracker, tracker_log = stack.enter_context(serve("127.0.0.2", tracker_routes))
        unknown, unknown_log = stack.enter_context(serve("127.0.0.3", unknown_routes))
        tracker_routes["/sdk.js"] = (
            "application/javascript",
            (
                f"navigator.sendBeacon('{tracker}/track?distinct_id=' + window.currentUser.id,"
                " JSON.stringify({'$email': window.currentUser.email, 'distinct_id': window.currentUser.id,"
                " '$current_url': location.href}));"
            ).encode(),
        )
        page = f"""<!doctype html><html><head><title>Console</title>
<script src="/user.js"></script>
<script src="{tracker}/sdk.js"></script>
</head><body><h1>Console</h1><img src="{unknown}/pixel.gif?page=home">
<a id="away" href="{unknown}/elsewhere">away</a></body></html>""".encode()
        site_routes = {
            "/": ("text/html", page),
            "/user.js": (
                "application/javascript",
                (
                    f"window.currentUser = {{id: '{CANARY_USER_ID}', email: '{CANARY_EMAIL}', name: '{CANARY_NAME}'}};"
                ).encode(),
            ),
        }
        site_routes["/away"] = (
            "text/html",
            b"<!doctype html><script src='/away.js'></script><p>leaving</p>",
        )
        site_routes["/away.js"] = ("application/javascript", f"location.href = '{unknown}/landing';".encode())
        site_routes["/slow"] = ("text/html", b"<p>late</p>")
        # Our own URL that redirects to the unknown third party: the browser must not follow it there.
        redirects = {"/out": f"{unknown}/landing?from=redirect"}
        site, site_log = stack.enter_context(serve("127.0.0.1", site_routes, redirects))
        yield site, tracker, unknown, {"site": site_log, "tracker": tracker_log, "unknown": unknown_log}
