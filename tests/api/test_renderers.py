"""The API's JSON is written by orjson (apps/api/renderers.py): it must say exactly what DRF's renderer says."""

import datetime
import decimal
import json
import uuid

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from apps.api.renderers import FastJSONRenderer
from apps.api.urls import router


def _drf(data, media_type="application/json", context=None):
    return JSONRenderer().render(data, media_type, context or {})


def _fast(data, media_type="application/json", context=None):
    return FastJSONRenderer().render(data, media_type, context or {})


def _assert_same_json(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    drf = _drf(response.data)
    assert json.loads(response.content) == json.loads(drf)
    assert response.content == drf  # not only the same value: the same bytes


def _routes():
    seen = set()
    for prefix, viewset, basename in router.registry:
        if basename not in seen and "{" not in prefix:
            seen.add(basename)
            yield prefix, viewset, basename


def test_every_list_and_detail_endpoint_writes_what_drf_writes(api, reviewer, register):
    client = api(reviewer)
    lists = details = 0
    skipped = []
    for _prefix, viewset, basename in _routes():
        if not hasattr(viewset, "list"):
            continue
        response = client.get(reverse(f"api:{basename}-list"), HTTP_ACCEPT="application/json")
        _assert_same_json(response)
        lists += 1
        body = response.data
        rows = body.get("results", body) if isinstance(body, dict) else body
        lookup = viewset.lookup_field
        key = "id" if lookup == "pk" else lookup
        if not hasattr(viewset, "retrieve") or not rows or key not in rows[0]:
            skipped.append(basename)
            continue
        kwarg = viewset.lookup_url_kwarg or lookup
        detail = client.get(
            reverse(f"api:{basename}-detail", kwargs={kwarg: rows[0][key]}), HTTP_ACCEPT="application/json"
        )
        _assert_same_json(detail)
        details += 1
    # The register fixture fills the main tables: most endpoints are compared with rows in them, not empty.
    assert lists >= 25 and details >= 12, (lists, details, skipped)


def test_values_drf_encodes_are_written_as_drf_writes_them():
    data = {
        "decimal": decimal.Decimal("12.50"),
        "lazy": gettext_lazy("Vendor"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "date": datetime.date(2025, 11, 9),
        "time": datetime.time(9, 30, 0, 123456),
        "utc": datetime.datetime(2025, 11, 9, 8, 0, 0, 5, tzinfo=datetime.UTC),
        "offset": datetime.datetime(2025, 11, 9, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        "naive": datetime.datetime(2025, 11, 9, 8, 0),
        "duration": datetime.timedelta(hours=1, seconds=3),
        "generator": (n for n in range(3)),
        "int_key": {1: "one", None: "none"},
        "text": 'Zürich — “quoted” \\ " \n \t \x01',
        "floats": [0.1, 1e16, -0.0, 3.0],
    }
    drf = _drf({**data, "generator": [0, 1, 2]})
    fast = _fast(data)
    assert json.loads(fast) == json.loads(drf)
    assert b'"utc":"2025-11-09T08:00:00.000005Z"' in fast and b'"decimal":12.5' in fast
    assert b'"offset":"2025-11-09T08:00:00+02:00"' in fast and b'"lazy":"Vendor"' in fast


def test_what_orjson_refuses_falls_back_to_drf():
    data = {"big": 2**70}
    deeper = {"deep": 1}
    for _ in range(300):
        deeper = {"deep": deeper}
    assert _fast(data) == _drf(data) and b"1180591620717411303424" in _fast(data)
    assert _fast(deeper) == _drf(deeper)


def test_line_separators_are_escaped_as_drf_escapes_them():
    data = {"note": "a\u2028b\u2029c"}
    assert _fast(data) == _drf(data) == b'{"note":"a\\u2028b\\u2029c"}'


def test_indentation_keeps_drf_format():
    data = {"results": [{"a": 1}]}
    assert _fast(data, "application/json; indent=4") == _drf(data, "application/json; indent=4")
    assert b"\n    " in _fast(data, "application/json; indent=4")
    assert _fast(data, context={"indent": 2}) == _drf(data, context={"indent": 2})
    assert _fast(None) == b""


def test_what_drf_cannot_encode_is_still_refused():
    with pytest.raises(TypeError):
        _fast({"object": object()})


def test_the_browsable_api_still_pretty_prints(api, reviewer, register):
    page = api(reviewer).get("/api/v1/vendors/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert b"&quot;results&quot;: [" in page.content  # DRF's indent=4 output, escaped into the page
