"""Assertions shared by the Python SDK scenarios; each failure says what was expected."""

import os
import sys
import traceback


class Checks:
    """Runs a scenario's named checks in order. The first failure prints the check's name, the
    line of the scenario that failed (its helpers skipped), and what the SDK or the assertion
    said, then exits 1. `status_error` is the SDK's HTTP error class (Stainless SDKs: it carries
    `status_code`, `request` and `body`)."""

    def __init__(self, label, script, helpers, status_error):
        self.label = label
        self.script = script
        self.helpers = set(helpers) | {"__call__"}
        self.status_error = status_error
        self.passed = 0

    def __call__(self, name, fn):
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
            print(f"FAIL [{self.label}] {name}")
            # The line of the scenario that raised names the SDK call (or assertion) that failed.
            here = [f for f in traceback.extract_tb(exc.__traceback__)
                    if f.filename == self.script and f.name not in self.helpers]
            if here:
                print(f"  at {os.path.basename(self.script)}:{here[-1].lineno}: {here[-1].line}")
            if isinstance(exc, self.status_error):
                print(f"  unexpected {type(exc).__name__}: HTTP {exc.status_code} "
                      f"{exc.request.method} {exc.request.url}")
                print(f"  body: {exc.body!r}")
            elif isinstance(exc, AssertionError):
                print(f"  {exc}")
            else:
                print(f"  {type(exc).__name__}: {exc}")
                for line in traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:]:
                    print("  " + line.rstrip().replace("\n", "\n  "))
            sys.exit(1)
        self.passed += 1


def eq(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def ok(condition, what):
    if not condition:
        raise AssertionError(what)
