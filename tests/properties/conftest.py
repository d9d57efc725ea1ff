"""Hypothesis profiles for the property tests: "ci" (the default, for `make test`) and "fuzz"
(`make fuzz`). HYPOTHESIS_PROFILE picks one. Nothing is written into the repository: no example
database, and hypothesis' other caches go to the user's cache folder instead of ./.hypothesis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

set_hypothesis_home_dir(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "osaid-audit" / "hypothesis")

# Structure-aware strategies build whole files and licence texts: generation may be slower than
# hypothesis' default expectation, which is not a problem of the code under test.
_SLOW_GENERATION = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("ci", max_examples=200, deadline=None, database=None,
                          suppress_health_check=_SLOW_GENERATION)
settings.register_profile("fuzz", max_examples=10_000, deadline=None, database=None,
                          suppress_health_check=_SLOW_GENERATION)
settings.load_profile(PROFILE)


def pytest_configure(config: pytest.Config) -> None:
    # A fuzz run is read for its figures: examples per property, time, and known bugs hit (events).
    if PROFILE == "fuzz":
        config.option.hypothesis_show_statistics = True
