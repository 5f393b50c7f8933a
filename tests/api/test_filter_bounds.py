"""Numeric filters beyond what the database can compare are bad input (400 naming the filter), not a 500.

Found by the schemathesis fuzz test: `GET /api/v1/reviews/?incident_id=<20 digits>` raised OverflowError in
SQLite's driver while counting the page.
"""

import pytest

HUGE = str(2**64)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/reviews/", "incident_id"),
        ("/api/v1/reviews/", "vendor_id"),
        ("/api/v1/findings/", "review_id"),
        ("/api/v1/vendor-requirements/", "requirement_id"),
        ("/api/v1/data-flows/", "tier"),
    ],
)
def test_a_number_beyond_64_bits_is_refused_with_400(api, reviewer, path, parameter):
    response = api(reviewer).get(path, {parameter: HUGE})
    assert response.status_code == 400
    assert parameter in response.json()


def test_the_largest_64_bit_id_still_filters_to_nothing(api, reviewer):
    response = api(reviewer).get("/api/v1/reviews/", {"incident_id": str(2**63 - 1)})
    assert response.status_code == 200
    assert response.json()["results"] == []
