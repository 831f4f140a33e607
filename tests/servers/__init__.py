"""Real servers for the tests: a throwaway PostgreSQL cluster and headless Chromium.

Both plugins are loaded by tests/conftest.py. `make install` (.ci/provision) installs what they need.
When it is missing they skip, except under CI (CI set) or with REQUIRE_SERVERS=1, where they fail.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def servers_required() -> bool:
    """True under CI (CI set to anything but 0/false) or with REQUIRE_SERVERS=1: missing servers fail."""
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in ("", "0", "false", "no") or os.environ.get("REQUIRE_SERVERS") == "1"


def unavailable(message: str) -> NoReturn:
    """Fail (under CI / REQUIRE_SERVERS=1) or skip with a one-line message saying what to install."""
    if servers_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
