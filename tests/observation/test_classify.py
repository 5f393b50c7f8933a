"""What counts as personal data in a request, and that only categories and salted hashes come out."""

from apps.observation import classify
from apps.observation.classify import Canaries

CANARIES = Canaries(
    name="Ada Canary", email="ada@example.org", user_ids=("u-1",), org_ids=("org-9",), user_agent="UA/1"
)


def categories(key, value):
    return classify.value_categories(key, value, CANARIES)


def test_values_are_classified_by_what_they_are_and_where_they_sit():
    assert categories("e", "ada@example.org") == {"email-address"}
    assert categories("contact", "someone.else@example.com") == {"email-address"}
    assert categories("n", "Ada Canary") == {"name"}
    assert categories("distinct_id", "u-1") == {"account-identifiers"}
    assert categories("org", "org-9") == {"account-identifiers"}
    assert categories("x", "203.0.113.7") == {"ip-address"}
    assert categories("$browser", "Chrome") == {"user-agent"}
    assert categories("anything", "UA/1") == {"user-agent"}
    assert categories("$referrer", "https://search.example/") == {"referring-website"}
    assert categories("lat", "48.85") == {"precise-location"}
    assert categories("$city", "Paris") == {"approximate-location"}
    assert categories("page", "home") == set()


def test_signals_carry_a_salted_hash_never_the_value(settings):
    pairs = [("query", "email", "Ada@Example.org"), ("body", "ada@example.org", "1")]
    signals = classify.classify(pairs, canaries=CANARIES)
    assert [(s.category, s.where) for s in signals] == [("email-address", "query:email")]
    assert signals[0].hash == classify.salted_hash("ada@example.org")  # normalised: the same address matches
    assert "ada" not in repr(signals)
    settings.OBSERVATION_HASH_SALT = "another"
    assert classify.salted_hash("ada@example.org") != signals[0].hash


def test_keys_and_path_segments_that_are_values_are_redacted():
    assert classify.redact_key("ada@example.org", CANARIES) == "[redacted]"
    assert classify.redact_key("$email", CANARIES) == "$email"
    assert (
        classify.redact_path("/users/u-1/ada@example.org/profile", CANARIES) == "/users/[redacted]/[redacted]/profile"
    )


def test_bodies_in_json_forms_and_beacon_data_fields():
    assert classify.body_pairs(b'{"props": {"$email": "a@b.co", "n": [1, 2]}}') == [
        ("props.$email", "a@b.co"),
        ("props.n", "1"),
        ("props.n", "2"),
    ]
    assert classify.body_pairs(b'data={"e":"a@b.co"}&v=2', "application/x-www-form-urlencoded") == [
        ("data.e", "a@b.co"),
        ("v", "2"),
    ]
    assert classify.body_pairs(b"\x00\xffplain", "application/octet-stream") == [("body", "\x00\ufffdplain")]
