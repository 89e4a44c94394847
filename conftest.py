"""For the whole suite (tests/ and e2e/): under CI=true a skip is a failure. Outside CI a test may
skip only for a missing server or browser, and says why; in CI everything must run."""
import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped under CI=true, where nothing may be skipped: {reason}"
