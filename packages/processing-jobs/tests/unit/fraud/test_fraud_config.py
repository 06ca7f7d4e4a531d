from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fraud_support import TEST_RULES_PATH
from support import PACKAGE_DIR

from shop_jobs.fraud import RulesConfigError, Scope, load_rules, parse_rules
from shop_jobs.fraud.config import RULE_IDS, CardTestingLimits, rules_from_mapping
from shop_jobs.fraud.rules import EVENT_RULES, SCOPED_RULES

DEFAULT_YAML = PACKAGE_DIR / "src" / "shop_jobs" / "fraud" / "rulesets" / "default.yaml"


def default_document() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(DEFAULT_YAML.read_text(encoding="utf-8")))


def problems_of(document: Any) -> tuple[str, ...]:
    with pytest.raises(RulesConfigError) as caught:
        rules_from_mapping(document, "test.yaml")
    return caught.value.problems


def test_the_packaged_default_loads_with_its_version_and_threshold():
    config = load_rules()
    assert config.version == "2026-12-05.1"
    assert config.alert_threshold == 60.0
    assert config.source == "shop_jobs/fraud/rulesets/default.yaml"
    assert list(config.rules.card_testing.limits) == [Scope.DEVICE, Scope.IP, Scope.ACCOUNT]
    assert config.rules.card_testing.limits[Scope.IP] == CardTestingLimits(
        min_attempts=None, min_distinct_cards=None, min_distinct_bins=None, min_declines=5, min_decline_ratio=0.6
    )
    assert config.rules.velocity_orders.limits[Scope.IP].window_seconds == 3600
    assert config.rules.velocity_orders.limits[Scope.IP].limit == 8


def test_the_packaged_default_is_the_file_in_the_source_tree():
    packaged = load_rules()
    assert dataclasses.replace(load_rules(DEFAULT_YAML), source=packaged.source) == packaged


def test_a_rules_file_given_by_path_is_loaded_with_its_own_values():
    config = load_rules(TEST_RULES_PATH)
    assert config.version == "test-1"
    assert config.source == str(TEST_RULES_PATH)
    assert config.rules.card_testing.limits[Scope.DEVICE].min_attempts == 5
    assert set(config.rules.velocity_amount.limits) == {Scope.ACCOUNT, Scope.CARD}


def test_every_problem_is_reported_at_once_with_its_key_path():
    document = default_document()
    document["alert_threshold"] = 120
    document["rules"]["card_testing"]["weight"] = 1.5
    document["rules"]["card_testing"]["scopes"]["device"]["min_attempts"] = "six"
    document["rules"]["velocity_orders"]["scopes"]["device"]["max_orders"] = 0
    del document["rules"]["bot_user_agent"]
    document["history"]["max_events"] = True
    problems = problems_of(document)
    assert problems == (
        "alert_threshold: must be a number in [0, 100], got 120",
        "history.max_events: must be an integer >= 1, got True",
        "rules.card_testing.weight: must be a number in [0, 1], got 1.5",
        "rules.card_testing.scopes.device.min_attempts: must be an integer >= 2, got 'six'",
        "rules.velocity_orders.scopes.device.max_orders: must be an integer >= 1, got 0",
        "rules.bot_user_agent: missing",
    )


def test_the_error_message_names_the_file_and_lists_every_problem():
    document = default_document()
    document["version"] = 3
    document["keys"]["skip_non_global_ips"] = "yes"
    with pytest.raises(RulesConfigError) as caught:
        rules_from_mapping(document, "rules/prod.yaml")
    message = str(caught.value)
    assert message.startswith("invalid fraud rules in rules/prod.yaml (2 problem(s)):")
    assert "  - version: must be a non-empty string (quote it in YAML), got 3" in message
    assert "  - keys.skip_non_global_ips: must be true or false, got 'yes'" in message
    assert caught.value.code == "FRAUD_RULES_INVALID"


def test_a_misspelt_setting_is_an_error_not_a_silent_default():
    document = default_document()
    document["rules"]["card_testing"]["scopes"]["ip"]["min_atempts"] = 3
    document["rules"]["card_testing_v2"] = {"enabled": True}
    assert problems_of(document) == (
        "rules.card_testing.scopes.ip.min_atempts: unknown setting",
        "rules.card_testing_v2: unknown setting",
    )


def test_a_window_longer_than_the_history_keeps_is_refused():
    document = default_document()
    document["history"]["retention_seconds"] = 1000
    problems = problems_of(document)
    assert "rules.card_testing.window_seconds: 900 is longer than history.retention_seconds (1000)" not in problems
    assert (
        "rules.velocity_orders.scopes.account.window_seconds: 3600 is longer than history.retention_seconds (1000)"
        in problems
    )
    assert "history.session_gap_seconds: 1800 is longer than history.retention_seconds (1000)" in problems


def test_a_lookback_longer_than_the_profile_retention_is_refused():
    document = default_document()
    document["rules"]["amount_anomaly"]["lookback_seconds"] = 9_000_000
    assert problems_of(document) == (
        "rules.amount_anomaly.lookback_seconds: 9000000 is longer than history.profile_retention_seconds (7776000)",
    )


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("rules", "card_testing", "scopes"), ["device", "ip"], "a mapping"),
        (("rules", "card_testing", "scopes", "device"), 6, "a mapping"),
        (("rules", "card_testing", "scopes", "ip", "min_declines"), 0, "an integer >= 1"),
        (("rules", "impossible_travel", "scopes"), ["ip"], "out of ['account', 'device']"),
        (("rules", "geo_mismatch", "fields"), ["billing_country", "ip_country"], "out of ['billing_country'"),
        (("rules", "geo_mismatch", "min_mismatches"), 4, "an integer from 1 to 3"),
        (("rules", "card_testing", "scopes", "device", "min_decline_ratio"), 0, "a number in (0, 1]"),
        (("rules", "amount_anomaly", "min_ratio_to_median"), 0.5, "a number in [1, inf)"),
        (("rules", "bot_fast_checkout", "min_session_seconds"), 2.5, "an integer >= 1"),
        (("rules", "bot_user_agent", "weight"), True, "a number in [0, 1]"),
        (("history",), [1, 2], "a mapping"),
    ],
)
def test_a_bad_value_is_refused_with_what_was_expected(path, value, problem):
    document = default_document()
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    problems = problems_of(document)
    where = ".".join(path)
    assert any(p.startswith(f"{where}: must be") and problem in p for p in problems), problems


def test_a_velocity_rule_needs_at_least_one_scope():
    document = default_document()
    document["rules"]["velocity_amount"]["scopes"] = {}
    assert problems_of(document) == (
        "rules.velocity_amount.scopes: must name at least one of ['account', 'device', 'ip', 'card']",
    )


def test_card_testing_needs_a_known_scope_with_a_limit_and_declines_with_their_ratio():
    document = default_document()
    document["rules"]["card_testing"]["scopes"] = {
        "shop": {"min_attempts": 6},
        "device": {},
        "ip": {"min_declines": 5},
        "account": {"min_decline_ratio": 0.5, "min_distinct_cards": 4},
    }
    assert problems_of(document) == (
        "rules.card_testing.scopes.device: set at least one limit out of "
        "['min_attempts', 'min_distinct_cards', 'min_distinct_bins', 'min_declines', 'min_decline_ratio']",
        "rules.card_testing.scopes.ip.min_declines: min_declines and min_decline_ratio go together: "
        "set both or neither",
        "rules.card_testing.scopes.account.min_declines: min_declines and min_decline_ratio go together: "
        "set both or neither",
        "rules.card_testing.scopes.shop: unknown setting",
    )
    document["rules"]["card_testing"]["scopes"] = {}
    assert problems_of(document) == (
        "rules.card_testing.scopes: must name at least one of ['device', 'ip', 'account', 'card']",
    )


def test_text_that_is_not_yaml_or_not_a_mapping_is_refused():
    with pytest.raises(RulesConfigError, match="not valid YAML"):
        parse_rules("version: [unclosed", source="broken.yaml")
    with pytest.raises(RulesConfigError, match="the document must be a mapping, got list"):
        parse_rules("- 1\n- 2\n")


def test_a_missing_file_is_a_rules_error(tmp_path: Path):
    with pytest.raises(RulesConfigError, match="cannot read the file"):
        load_rules(tmp_path / "absent.yaml")


def test_the_config_cannot_be_changed_after_loading():
    config = load_rules()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.alert_threshold = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.rules.card_testing.min_attempts = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.rules.velocity_orders.limits[Scope.IP] = None  # type: ignore[index]


def test_every_configured_rule_has_exactly_one_implementation():
    implemented = [r.id for r in SCOPED_RULES] + [r.id for r in EVENT_RULES]
    assert sorted(implemented) == sorted(RULE_IDS)


def test_the_readme_documents_every_rule_and_its_default_weight():
    """The README's rules table lists every rule id with the shipped default's weight."""
    readme = (PACKAGE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Fraud scoring") :]
    config = load_rules()
    for rule in RULE_IDS:
        row = re.search(rf"^\| `{rule}(\.<scope>)?` \|.*$", section, flags=re.MULTILINE)
        assert row, f"no README row for {rule}"
        assert f"| {config.weight(rule):g} |" in row.group(0), f"README weight of {rule} differs from default.yaml"
