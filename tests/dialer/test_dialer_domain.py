"""Unit tests of the dialer's pure rules."""

from __future__ import annotations

import pytest

from ringway.dialer import domain
from ringway.dialer.domain import Action, Campaign, CampaignStatus


@pytest.mark.parametrize("current", [CampaignStatus.DRAFT, CampaignStatus.PAUSED])
def test_draft_and_paused_campaigns_start_running(current: CampaignStatus) -> None:
    assert domain.transition(current, Action.START) is CampaignStatus.RUNNING


@pytest.mark.parametrize("current", [CampaignStatus.RUNNING, CampaignStatus.COMPLETED])
def test_running_or_completed_campaigns_cannot_start(current: CampaignStatus) -> None:
    with pytest.raises(domain.InvalidTransition) as raised:
        domain.transition(current, Action.START)
    assert raised.value.current is current
    assert raised.value.allowed_from == ["draft", "paused"]
    assert f"cannot start a {current.value} campaign" in str(raised.value)


def test_only_a_running_campaign_pauses() -> None:
    assert domain.transition(CampaignStatus.RUNNING, Action.PAUSE) is CampaignStatus.PAUSED
    with pytest.raises(domain.InvalidTransition):
        domain.transition(CampaignStatus.DRAFT, Action.PAUSE)


def test_a_completed_campaign_never_changes_again() -> None:
    assert domain.transition(CampaignStatus.PAUSED, Action.COMPLETE) is CampaignStatus.COMPLETED
    for action in Action:
        with pytest.raises(domain.InvalidTransition):
            domain.transition(CampaignStatus.COMPLETED, action)


def test_triggers_are_deduplicated_in_order() -> None:
    triggers = [" customer.registered", "customer.registered"]
    assert domain.validate_triggers(triggers) == ["customer.registered"]
    assert domain.validate_triggers([]) == []


def test_triggers_the_dialer_does_not_consume_are_rejected() -> None:
    with pytest.raises(domain.InvalidTriggers) as raised:
        domain.validate_triggers(["customer.registered", "order.placed", ""])
    assert raised.value.invalid == ["order.placed", ""]


@pytest.mark.parametrize(("raw", "expected"), [
    ("+14155550100", "+14155550100"),
    ("+1 (415) 555-0100", "+14155550100"),
    ("+44.20.7946.0958", "+442079460958"),
    (None, None),
    ("", None),
    ("4155550100", None),
    ("+04155550100", None),
    ("+1234567890123456", None),
    ("+1415555010x", None),
])
def test_only_e164_numbers_are_callable(raw: str | None, expected: str | None) -> None:
    assert domain.callable_phone(raw) == expected


def test_only_running_campaigns_that_listen_to_the_trigger_enrol() -> None:
    welcome = Campaign("c1", CampaignStatus.RUNNING, ("customer.registered",))
    campaigns = [
        welcome,
        Campaign("c2", CampaignStatus.RUNNING, ()),
        Campaign("c3", CampaignStatus.DRAFT, ("customer.registered",)),
        Campaign("c4", CampaignStatus.PAUSED, ("customer.registered",)),
        Campaign("c5", CampaignStatus.RUNNING, ("customer.registered",)),
    ]
    assert domain.campaigns_to_enrol(campaigns, trigger="customer.registered") == ["c1", "c5"]
    assert domain.campaigns_to_enrol(campaigns, trigger="visit.completed") == []
