"""The catalogue's DPV terms against DPV-PD 2.1 (fixtures/reference/dpv-pd-2.1.csv): each term exists, and the
term of a category's parent is one of its term's ancestors, as the vocabulary arranges them."""

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
with (ROOT / "fixtures" / "reference" / "dpv-pd-2.1.csv").open(encoding="utf-8") as handle:
    BROADER = {row["term"]: row["broader"].split(";") for row in csv.DictReader(handle)}
CATEGORIES = {
    o["fields"]["code"]: o["fields"] for o in json.loads((ROOT / "fixtures" / "010_data_categories.json").read_text())
}


def ancestors(term):
    seen, todo = set(), list(BROADER.get(term, ()))
    while todo:
        parent = todo.pop()
        if parent not in seen:
            seen.add(parent)
            todo += BROADER.get(parent, ())
    return seen


def test_every_term_is_written_with_its_prefix_and_exists_in_dpv_pd():
    for code, fields in CATEGORIES.items():
        term = fields["dpv_term"]
        if term:
            assert term.startswith(("pd:", "dpv:")), code
            assert term in BROADER, f"{code}: {term} is not a DPV-PD 2.1 term"


def test_the_reference_reaches_personal_data_from_every_term():
    for term in BROADER:
        assert term == "dpv:PersonalData" or "dpv:PersonalData" in ancestors(term), term


def test_a_parent_category_carries_an_ancestor_of_its_childrens_terms():
    for code, fields in CATEGORIES.items():
        parent = CATEGORIES[fields["parent"][0]] if fields["parent"] else None
        if not (fields["dpv_term"] and parent and parent["dpv_term"]):
            continue
        assert parent["dpv_term"] in ancestors(fields["dpv_term"]), (code, fields["dpv_term"], parent["dpv_term"])


def test_the_terms_issue_16_corrected():
    assert CATEGORIES["health"]["dpv_term"] == "pd:MedicalHealth"
    assert CATEGORIES["device-online"]["dpv_term"] == "pd:Tracking"
    assert CATEGORIES["philosophical-beliefs"]["dpv_term"] == "pd:PhilosophicalBelief"
    assert CATEGORIES["race"]["dpv_term"] == "pd:Race"
    assert CATEGORIES["race"]["is_special_category"] and CATEGORIES["philosophical-beliefs"]["is_special_category"]
