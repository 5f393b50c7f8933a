"""Drive headless Chromium over one system's pages and report every request to another origin.

Nothing here touches the database: playwright's sync API runs an event loop in this thread while the browser is
open, and Django refuses ORM calls under a running loop. The service builds a `CrawlPlan` before, and stores the
`CrawlResult` after (apps.observation.services).

What the browser may reach, and how:
- Our own origins (the pages' origins and the target's extra ones) are checked before launch with the webhook
  guard (apps.notifications.egress: public addresses only, loopback only under the test suite's allowance) and
  pinned with Chromium's host resolver rules; every other name resolves to nothing inside Chromium.
- Every request goes through a route handler. A request to another origin is recorded; a GET for a third-party
  *script* is fetched by this process through the same guard (checked and pinned address, no redirects, capped
  size) so the page runs as our users see it; everything else a third party would receive (beacons, pixels,
  XHR, frames, WebSockets, a navigation away from our pages) is aborted, so no test data reaches a vendor.
- Budgets: at most `max_requests` requests and `max_seconds` seconds; past either the crawl stops.
"""

import ipaddress
import shutil
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from apps.notifications import egress

CHROMIUM_PATH = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's package
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=DnsOverHttps",
]
MAX_SCRIPT_BYTES = 5 * 1024 * 1024
SCRIPT_TIMEOUT_SECONDS = 5
SETTLE_MILLISECONDS = 1500


class CrawlRefused(Exception):
    """The plan asks for an address the crawl may not reach. The message is safe to show."""


@dataclass(frozen=True)
class CrawlPlan:
    pages: tuple[str, ...]
    own_origins: frozenset[str]
    sign_in_steps: tuple[dict, ...] = ()
    max_requests: int = 500
    max_seconds: int = 120
    fetch_third_party_scripts: bool = True


@dataclass
class SeenRequest:
    """A third-party request as the browser made it. Values live in memory only, until classified."""

    method: str
    url: str
    resource_type: str
    page_url: str
    cookie_header: str = ""
    set_cookie_names: tuple[str, ...] = ()
    body: bytes | None = None
    content_type: str = ""
    initiator: str = ""
    navigation: bool = False


@dataclass
class CrawlResult:
    pages_visited: int = 0
    requests_seen: int = 0
    budget_exhausted: bool = False
    error: str = ""
    user_agent: str = ""
    third_party: list[SeenRequest] = field(default_factory=list)
    own_hosts_contacted: set[str] = field(default_factory=set)
    page_errors: list[str] = field(default_factory=list)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "ws":
        scheme = "http"
    elif scheme == "wss":
        scheme = "https"
    host = (parts.hostname or "").lower()
    if not host:
        return ""
    port = parts.port or (443 if scheme == "https" else 80)
    default = (scheme == "https" and port == 443) or (scheme == "http" and port == 80)
    shown_host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown_host}" + ("" if default else f":{port}")


def _is_ip_literal(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def resolver_rules(own_origins) -> str:
    """Chromium's --host-resolver-rules: our hosts to the addresses the guard checked, every other name to none."""
    rules, excluded = [], []
    for origin in sorted(own_origins):
        parts = urlsplit(origin)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = egress.checked_addresses(host, port)
        except egress.AddressNotAllowed as exc:
            raise CrawlRefused(str(exc).replace("webhooks", "the crawl")) from exc
        except OSError as exc:
            raise CrawlRefused(f"“{host}” does not resolve.") from exc
        if _is_ip_literal(host):
            # MAP * applies to address literals too; an own address is left to connect as it is (checked above).
            excluded.append(f"EXCLUDE {'[' + host + ']' if ':' in host else host}")
        else:
            address = addresses[0]
            rules.append(f"MAP {host} {'[' + address + ']' if ':' in address else address}")
    rules.append("MAP * ~NOTFOUND")
    rules.extend(excluded)
    return ", ".join(rules)


def fetch_script(url: str):
    """GET a third-party script through the egress guard: (status, content type, body, Set-Cookie names) or None."""
    try:
        scheme, host, port = egress.url_parts(url)
        addresses = egress.checked_addresses(host, port)
    except (ValueError, OSError, egress.AddressNotAllowed):
        return None
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = egress.PinnedHTTPSConnection if scheme == "https" else egress.PinnedHTTPConnection
    kwargs = {"context": egress.ssl.create_default_context()} if scheme == "https" else {}
    connection = connection_class(host, port, timeout=SCRIPT_TIMEOUT_SECONDS, pinned_addresses=addresses, **kwargs)
    try:
        connection.request("GET", target, headers={"Accept": "*/*"})
        response = connection.getresponse()
        body = response.read(MAX_SCRIPT_BYTES + 1)
        cookies = tuple(
            value.split("=", 1)[0].strip() for key, value in response.getheaders() if key.lower() == "set-cookie"
        )
        content_type = response.getheader("Content-Type", "application/javascript")
        status = response.status
    except (OSError, egress.http.client.HTTPException):
        return None
    finally:
        connection.close()
    if len(body) > MAX_SCRIPT_BYTES or not 200 <= status < 300:
        return None
    return status, content_type, body, cookies


def _step_value(value: str, environ) -> str:
    if isinstance(value, str) and value.startswith("env:"):
        return environ.get(value[4:], "")
    return value


def crawl(plan: CrawlPlan, *, environ=None) -> CrawlResult:
    """Visit the plan's pages (after its sign-in steps) and return what went to other origins."""
    import os

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    environ = os.environ if environ is None else environ
    result = CrawlResult()
    rules = resolver_rules(plan.own_origins)  # raises CrawlRefused before any browser starts
    deadline = time.monotonic() + plan.max_seconds
    initiators = {}
    current_page = {"url": ""}

    def remaining_ms():
        return max(0, int((deadline - time.monotonic()) * 1000))

    def over_budget():
        if result.requests_seen >= plan.max_requests or remaining_ms() == 0:
            result.budget_exhausted = True
            return True
        return False

    def record(request, *, set_cookies=()):
        headers = request.headers
        result.third_party.append(
            SeenRequest(
                method=request.method,
                url=request.url,
                resource_type=request.resource_type,
                page_url=current_page["url"],
                cookie_header=headers.get("cookie", ""),
                set_cookie_names=set_cookies,
                body=request.post_data_buffer,
                content_type=headers.get("content-type", ""),
                initiator=initiators.get(request.url, ""),
                navigation=request.is_navigation_request(),
            )
        )

    def handle(route, request):
        if over_budget():
            route.abort()
            return
        result.requests_seen += 1
        origin = origin_of(request.url)
        if origin in plan.own_origins:
            result.own_hosts_contacted.add(origin)
            route.continue_()
            return
        if not origin:  # data:, blob: and the like never reach the network
            route.continue_()
            return
        if (
            plan.fetch_third_party_scripts
            and request.method == "GET"
            and request.resource_type == "script"
            and not request.is_navigation_request()
        ):
            fetched = fetch_script(request.url)
            record(request, set_cookies=fetched[3] if fetched else ())
            if fetched:
                route.fulfill(status=fetched[0], headers={"Content-Type": fetched[1]}, body=fetched[2])
            else:
                route.abort()
            return
        record(request)
        route.abort()

    def handle_socket(socket_route):
        if origin_of(socket_route.url) in plan.own_origins and not over_budget():
            socket_route.connect_to_server()
        else:
            result.third_party.append(
                SeenRequest(method="GET", url=socket_route.url, resource_type="websocket", page_url=current_page["url"])
            )
            socket_route.close()

    def note_initiator(event):
        initiator = event.get("initiator") or {}
        frames = (initiator.get("stack") or {}).get("callFrames") or []
        script = next((frame.get("url") for frame in frames if frame.get("url")), "") or initiator.get("url", "")
        initiators.setdefault(event.get("request", {}).get("url", ""), script)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"]
        )
        try:
            context = browser.new_context(service_workers="block", accept_downloads=False)
            context.route("**/*", handle)
            context.route_web_socket("**/*", handle_socket)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.on("Network.requestWillBeSent", note_initiator)
            result.user_agent = page.evaluate("navigator.userAgent")
            try:
                for step in plan.sign_in_steps:
                    if over_budget():
                        break
                    timeout = min(remaining_ms(), 30000) or 1
                    if "goto" in step:
                        current_page["url"] = step["goto"]
                        page.goto(step["goto"], wait_until="load", timeout=timeout)
                    elif "fill" in step:
                        page.fill(step["fill"], _step_value(step.get("value", ""), environ), timeout=timeout)
                    elif "click" in step:
                        page.click(step["click"], timeout=timeout)
                        page.wait_for_load_state("load", timeout=timeout)
                for url in plan.pages:
                    if over_budget():
                        break
                    current_page["url"] = url
                    try:
                        page.goto(url, wait_until="load", timeout=min(remaining_ms(), 30000) or 1)
                        page.wait_for_load_state("networkidle", timeout=min(remaining_ms(), 10000) or 1)
                    except PlaywrightError as exc:
                        if over_budget():
                            break
                        result.page_errors.append(f"{url}: {str(exc).splitlines()[0][:150]}")
                    page.wait_for_timeout(min(remaining_ms(), SETTLE_MILLISECONDS))
                    result.pages_visited += 1
            except PlaywrightError as exc:
                result.error = f"The browser stopped: {str(exc).splitlines()[0][:200]}"
            # Late CDP events name initiators of requests recorded before them.
            for seen in result.third_party:
                seen.initiator = seen.initiator or initiators.get(seen.url, "")
            context.close()
        finally:
            browser.close()
    return result
