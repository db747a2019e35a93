"""The pytest plugin of identity-mock, loaded by itself once the package is installed.

Fixtures:

``identity_mock`` (session)
    One :class:`~identity_mock.IdentityMock` for the whole test session (one per pytest-xdist
    worker). With ``IDENTITY_MOCK_URL`` set, it connects to that server instead of starting one.

``identity_mock_namespace`` (function)
    A :class:`~identity_mock.Namespace` of its own for each test: ``.headers`` for
    ``default_headers=`` of letta-client or an httpx client, ``.api_key`` for an orq client. It
    starts from the server's fixtures, and its data is dropped after the test. When the test
    fails, the report shows the namespace's last requests from the journal.

Options: ``--identity-mock-seed N``, ``--identity-mock-fixtures PATH``, and
``--identity-mock-arg ARG`` (repeatable; any other server option, e.g.
``--identity-mock-arg=--orq-api=v1``).
"""

from __future__ import annotations

import itertools
import os
import re
import uuid
from typing import Any, Dict, Generator, Iterator, List

import pytest

from ._server import IdentityMock, IdentityMockError, Namespace

#: The environment variable that points the plugin at a running server.
URL_VARIABLE = "IDENTITY_MOCK_URL"
#: How many of a failed test's requests its report shows.
REPORT_REQUESTS = 20
#: How much of each body the report shows.
REPORT_BODY_CHARS = 400

_NAMESPACE = pytest.StashKey[Namespace]()
# Tells this process's namespaces apart from those of other processes on a shared server.
_RUN = uuid.uuid4().hex[:8]
_COUNTER = itertools.count(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("identity-mock", "identity-mock server for the test session")
    group.addoption("--identity-mock-seed", type=int, default=None, metavar="N",
                    help="seed the session server's ids (--seed N)")
    group.addoption("--identity-mock-fixtures", default=None, metavar="PATH",
                    help="the session server's fixtures file or folder (--fixtures PATH)")
    group.addoption("--identity-mock-arg", action="append", default=[], metavar="ARG",
                    help="one more argument for the session server; repeat for more")


@pytest.fixture(scope="session")
def identity_mock(pytestconfig: pytest.Config) -> Iterator[IdentityMock]:
    """The session's identity-mock server (or the one ``IDENTITY_MOCK_URL`` names)."""
    url = os.environ.get(URL_VARIABLE)
    if url:
        yield IdentityMock.connect(url)
        return
    mock = IdentityMock(
        seed=pytestconfig.getoption("identity_mock_seed"),
        fixtures=pytestconfig.getoption("identity_mock_fixtures"),
        extra_args=pytestconfig.getoption("identity_mock_arg"),
    )
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()


def _namespace_name(item: pytest.Item) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    test = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.name).strip("-")[:48]
    return f"pytest-{_RUN}-{worker}-{next(_COUNTER)}-{test}"


@pytest.fixture
def identity_mock_namespace(
    identity_mock: IdentityMock, request: pytest.FixtureRequest
) -> Generator[Namespace, None, None]:
    """A fresh namespace for this test; its data is gone after it."""
    namespace = identity_mock.namespace(_namespace_name(request.node))
    request.node.stash[_NAMESPACE] = namespace
    try:
        yield namespace
    finally:
        namespace.reset()


def _describe(entry: Dict[str, Any]) -> List[str]:
    target = entry["path"] + (f"?{entry['query']}" if entry.get("query") else "")
    operation = f" ({entry['operation']})" if entry.get("operation") else ""
    lines = [f"{entry['method']} {target} -> {entry['status']}{operation}"]
    for label, key in (("request ", "request_body"), ("response", "response_body")):
        body = entry.get(key) or ""
        if body:
            if len(body) > REPORT_BODY_CHARS:
                body = body[:REPORT_BODY_CHARS] + "…"
            lines.append(f"    {label}: {body}")
    return lines


def journal_report(namespace: Namespace, limit: int = REPORT_REQUESTS) -> str:
    """The last ``limit`` requests of ``namespace``, one block each, for a failure report."""
    try:
        entries = namespace.requests(limit=limit)
    except IdentityMockError as error:
        return f"(the journal could not be read: {error})"
    if not entries:
        return "(no requests reached this namespace)"
    lines: List[str] = []
    for entry in entries:
        lines.extend(_describe(entry))
    return "\n".join(lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    namespace = item.stash.get(_NAMESPACE, None)
    if namespace is not None:
        title = f"identity-mock journal, namespace {namespace.name} (last {REPORT_REQUESTS})"
        report.sections.append((title, journal_report(namespace)))


__all__ = ["identity_mock", "identity_mock_namespace", "journal_report", "URL_VARIABLE"]
