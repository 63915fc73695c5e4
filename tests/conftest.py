"""Shared fixtures: where the repository's files are, and a click runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent
RECORDS = Path(__file__).resolve().parent / "fixtures" / "records"

# A fixed, modest budget keeps the suite fast and repeatable; raise it locally with
# HYPOTHESIS_PROFILE=thorough.
settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=1_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository's top-level folder."""
    return REPO


@pytest.fixture(scope="session")
def records_dir() -> Path:
    """``tests/fixtures/records``, with ``valid/`` and ``invalid/`` record files."""
    return RECORDS


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stdout and stderr apart."""
    return CliRunner()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "packaging: builds the wheel (a few seconds); deselect with -m 'not packaging'"
    )
