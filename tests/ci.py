"""What a test does when something it needs is missing: skip on a developer's machine, fail in CI.

A CI run must never pass because a test quietly skipped itself (no Redis, no Chromium), so when
the CI environment variable is set a missing prerequisite is a failure.
"""

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def require(available: bool, reason: str) -> None:
    """Skip the current test with `reason` unless `available`; in CI, fail it instead."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} — CI is set, so this test must run instead of being skipped.", pytrace=False)
    pytest.skip(reason)
