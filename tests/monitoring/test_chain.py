"""Fourth parties: the chain as a graph, blast radius through it, depth limit, cycles refused."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from apps.monitoring.chain import fourth_party_graph, subprocessor_exposure
from apps.vendors.models import Subprocessor
from apps.vendors.services import subprocessor_add
from tests.factories.vendors import SubprocessorFactory, VendorFactory


def test_a_three_level_chain_answers_what_reaches_the_cloud_s_subprocessor(chain):
    answer = subprocessor_exposure(subprocessor=chain.datacentre)

    assert answer["vendors"] == ["acme"]
    [path] = answer["paths"]
    assert path["vendors"] == ["acme", "cloudco", "datacentre"]
    [flow] = path["flows"]
    assert flow["flow"] == "console-to-acme" and flow["system"] == "console"
    # cloudco's declaration lets contact data and IP addresses down, never the card; datacentre's hop declares
    # nothing, so what reached cloudco is assumed to pass on (the worst case), and it says so.
    assert flow["categories"] == ["email-address", "ip-address"]
    assert path["assumed"] is True
    assert [c["code"] for c in answer["categories"]] == ["email-address", "ip-address"]
    assert answer["categories"][0]["vendors"] == ["acme"]


def test_a_declared_hop_passes_only_what_it_declares_and_is_not_assumed(chain):
    answer = subprocessor_exposure(subprocessor=chain.cloud)
    [path] = answer["paths"]
    assert path["vendors"] == ["acme", "cloudco"]
    assert path["flows"][0]["categories"] == ["email-address", "ip-address"]
    assert path["assumed"] is False


def test_the_depth_limit_stops_the_walk_and_says_so(chain):
    answer = subprocessor_exposure(subprocessor=chain.datacentre, depth=1)
    assert answer["paths"] == [] and answer["truncated"] is True
    with pytest.raises(ValidationError) as error:
        subprocessor_exposure(subprocessor=chain.datacentre, depth=99)
    assert "depth" in error.value.message_dict


def test_the_graph_below_a_vendor_lists_every_hop_with_its_declaration(chain):
    graph = fourth_party_graph(vendor=chain.acme)
    assert [node["slug"] for node in graph["nodes"]] == ["acme", "cloudco", "datacentre"]
    edges = {(e["vendor"], e["subprocessor"]): e for e in graph["edges"]}
    assert edges[("acme", "cloudco")]["level"] == 1
    assert {c["category"]: c["sharing"] for c in edges[("acme", "cloudco")]["categories"]} == {
        "contact": "shared",
        "ip-address": "shared",
        "payment-card": "not_shared",
    }
    assert edges[("cloudco", "datacentre")] == {**edges[("cloudco", "datacentre")], "level": 2, "categories": []}


def test_a_link_that_closes_a_cycle_is_refused_and_nothing_is_written(chain, reviewer):
    before = Subprocessor.objects.count()
    with pytest.raises(ValidationError) as error:
        subprocessor_add(vendor=chain.datacentre, subprocessor=chain.acme, actor=reviewer)
    assert "cycle" in error.value.message_dict["subprocessor"][0]
    assert "datacentre → acme → cloudco → datacentre" in error.value.message_dict["subprocessor"][0]
    assert Subprocessor.objects.count() == before


def test_a_cycle_recorded_before_the_rule_cannot_loop_the_walk(chain):
    SubprocessorFactory(vendor=chain.datacentre, subprocessor=chain.acme)  # around the service, as old data would be
    answer = subprocessor_exposure(subprocessor=chain.datacentre)
    assert [path["vendors"] for path in answer["paths"]] == [["acme", "cloudco", "datacentre"]]
    graph = fourth_party_graph(vendor=chain.acme)
    assert len(graph["edges"]) == 3


def test_a_subprocessor_supporting_other_services_gets_none_of_this_flow(chain, reviewer):
    from tests.factories.vendors import VendorServiceFactory

    other = VendorServiceFactory(vendor=chain.acme, slug="billing")
    link = Subprocessor.objects.get(vendor=chain.acme, subprocessor=chain.cloud)
    link.services.set([other])
    assert subprocessor_exposure(subprocessor=chain.cloud)["paths"] == []


def test_vendors_receiving_through_a_subprocessor(chain, capsys):
    call_command("vendors_receiving", through="datacentre")
    out = capsys.readouterr().out
    assert "acme\tacme → cloudco → datacentre\tconsole\tserver_api\tconsole-to-acme\temail-address, ip-address" in out
    assert "assumed" in out

    call_command("vendors_receiving", "contact", through="datacentre")
    out = capsys.readouterr().out
    assert "email-address" in out and "ip-address" not in out


def test_vendors_receiving_through_an_unknown_vendor_or_a_bad_depth_fails_with_one_line(chain):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No vendor"):
        call_command("vendors_receiving", through="nobody")
    with pytest.raises(CommandError, match="depth"):
        call_command("vendors_receiving", through="datacentre", depth=0)


def test_nothing_reaches_a_subprocessor_nobody_sends_to(db):
    lonely = VendorFactory(slug="lonely")
    assert subprocessor_exposure(subprocessor=lonely)["paths"] == []
