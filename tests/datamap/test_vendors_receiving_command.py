"""The operator's door to the blast-radius question."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_command_lists_mixpanel_for_contact(demo_data, capsys):
    call_command("vendors_receiving", "contact")
    assert capsys.readouterr().out.splitlines() == [
        "mixpanel\tplatform-openai-com\tclient_side_sdk\tplatform-console-to-mixpanel\temail-address\tended 2025-11-26"
    ]


def test_command_current_only_leaves_out_the_ended_flow(demo_data, capsys):
    call_command("vendors_receiving", "contact", "--current-only")
    assert capsys.readouterr().out.strip() == "No vendor receives contact."


def test_command_says_nobody_receives_api_keys(demo_data, capsys):
    call_command("vendors_receiving", "api-key")
    assert capsys.readouterr().out.strip() == "No vendor receives api-key."


def test_command_refuses_an_unknown_code_in_one_line(db):
    with pytest.raises(CommandError, match="Unknown data category: e-mail."):
        call_command("vendors_receiving", "e-mail")
