from __future__ import annotations

import pytest
from fraud_support import load_test_rules

from shop_jobs.fraud import RulesConfig, load_rules


@pytest.fixture(scope="session")
def rules() -> RulesConfig:
    """The rule tests' thresholds (rules-test.yaml)."""
    return load_test_rules()


@pytest.fixture(scope="session")
def default_rules() -> RulesConfig:
    """The shipped default (shop_jobs/fraud/rulesets/default.yaml)."""
    return load_rules()
