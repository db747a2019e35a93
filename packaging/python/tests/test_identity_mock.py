"""Unit tests of the identity_mock module and its pytest plugin, run against the installed wheel
(tests/packages.sh): the module must find the binary that was installed with it."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import identity_mock
from identity_mock import AdminError, IdentityMock, IdentityMockError, StartupError, find_binary


def get_json(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def fake_binary(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-identity-mock"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_the_binary_installed_with_the_module_is_found_and_runs():
    binary = find_binary()
    assert Path(binary).name == "identity-mock"
    assert Path(binary).parent == Path(sys.executable).parent  # the venv's scripts
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.strip() == f"identity-mock {identity_mock.__version__}"


def test_identity_mock_binary_overrides_and_must_exist(monkeypatch, tmp_path):
    other = fake_binary(tmp_path, "exit 0\n")
    monkeypatch.setenv("IDENTITY_MOCK_BINARY", other)
    assert find_binary() == other
    monkeypatch.setenv("IDENTITY_MOCK_BINARY", str(tmp_path / "missing"))
    with pytest.raises(IdentityMockError, match="IDENTITY_MOCK_BINARY=.*missing is not a file"):
        find_binary()


def test_start_serves_until_stop():
    mock = IdentityMock(empty=True)
    with pytest.raises(IdentityMockError, match="not running"):
        mock.url
    mock.start()
    url = mock.url
    assert url.startswith("http://127.0.0.1:")
    assert get_json(f"{url}/v1/identities/count") == 0
    process = mock._process
    mock.stop()
    assert process is not None and process.returncode == 0, "SIGTERM ends the server cleanly"
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/v1/identities/count", timeout=2)
    mock.stop()  # a second stop does nothing


def test_keyword_arguments_become_options():
    mock = IdentityMock(seed=7, clock="fixed:2025-01-01T00:00:00Z", orq_api="v1", api_keys=["k1", "k2"],
                        extra_args=["--journal-size", "5"], binary="/bin/identity-mock")
    assert mock.command() == [
        "/bin/identity-mock", "--host", "127.0.0.1", "--port", "0", "--seed", "7",
        "--clock", "fixed:2025-01-01T00:00:00Z", "--orq-api", "v1",
        "--api-key", "k1", "--api-key", "k2", "--journal-size", "5",
    ]
    with pytest.raises(ValueError):
        IdentityMock(fixtures="x.json", empty=True)


def test_fixtures_as_a_dict_and_a_seed_make_the_output_repeat():
    document = {"orq": {"identities": [{"external_id": "cust-1", "display_name": "One"}]}}
    answers = []
    for _ in range(2):
        with IdentityMock(fixtures=document, seed=3, clock="fixed:2025-01-01T00:00:00Z") as mock:
            answers.append(get_json(f"{mock.url}/v2/identities", {"Authorization": "Bearer k"}))
    assert answers[0] == answers[1]
    assert [item["external_id"] for item in answers[0]["data"]] == ["cust-1"]


def test_early_exit_raises_with_the_server_output(tmp_path):
    with pytest.raises(StartupError) as caught:
        IdentityMock(fixtures=str(tmp_path / "nowhere.json")).start()
    assert caught.value.returncode == 1
    assert "invalid fixtures" in caught.value.output
    assert "nowhere.json" in str(caught.value)


def test_a_binary_that_never_listens_is_stopped_and_reported(tmp_path):
    binary = fake_binary(tmp_path, "echo warming up\nexec sleep 30\n")
    mock = IdentityMock(binary=binary, startup_timeout=0.5)
    with pytest.raises(StartupError, match="did not start listening within 0.5 s") as caught:
        mock.start()
    assert "warming up" in caught.value.output
    assert mock._process is None


def test_a_binary_that_prints_something_else_and_exits(tmp_path):
    binary = fake_binary(tmp_path, "echo 'something odd' >&2\nexit 3\n")
    with pytest.raises(StartupError) as caught:
        IdentityMock(binary=binary).start()
    assert caught.value.returncode == 3
    assert "something odd" in caught.value.output


def test_admin_methods_drive_the_server():
    with IdentityMock() as mock:
        namespace = mock.namespace("unit")
        letta = get_json(f"{mock.url}/v1/identities/count", namespace.headers)
        assert letta == 5
        summary = namespace.load_fixtures(
            {"letta": {"identities": [{"identifier_key": "k", "name": "N", "identity_type": "user"}]}}
        )
        assert summary["namespace"] == "unit"
        assert get_json(f"{mock.url}/v1/identities/count", namespace.headers) == 6
        assert get_json(f"{mock.url}/v1/identities/count") == 5, "the default namespace is untouched"
        assert [(e["path"], e["status"]) for e in namespace.requests()] == [
            ("/v1/identities/count", 200), ("/v1/identities/count", 200)]
        assert len(mock.requests(namespace="default")) == 1
        assert "unit" in mock.state()["namespaces"]
        [entry] = namespace.requests(limit=1, api="letta", operation="identities.count",
                                     header=["X-Mock-Namespace:unit", "host"])
        assert entry["request_headers"]["x-mock-namespace"] == "unit"
        assert entry["response_json"] == 6
        assert namespace.requests(header="X-Mock-Namespace:other") == []

        fault = namespace.add_fault(path="/v1/*", status=503, body="down", times=1)
        assert [f["id"] for f in mock.faults()] == [fault]
        with pytest.raises(urllib.error.HTTPError) as failed:
            get_json(f"{mock.url}/v1/identities/count", namespace.headers)
        assert failed.value.code == 503
        assert mock.faults() == [], "a fault for one request removes itself"
        mock.add_fault(path="/v2/*", delay_ms=1)
        assert mock.clear_faults() == 1

        namespace.reset()
        assert get_json(f"{mock.url}/v1/identities/count", namespace.headers) == 5
        assert mock.clear_requests() == 5
        assert mock.requests() == []


def test_admin_errors_carry_the_server_message():
    with IdentityMock(empty=True) as mock:
        with pytest.raises(AdminError) as caught:
            mock.load_fixtures({"letta": {"identities": [{"identity_type": "robot"}]}})
        assert caught.value.status == 400
        assert caught.value.message == "invalid fixtures"
        assert any('"robot" is not one of' in problem for problem in caught.value.problems)
        assert mock.health()["letta"]["identities"] == 0, "a refused document changes nothing"
        with pytest.raises(AdminError, match="404: no fault 999"):
            mock.remove_fault(999)
        with pytest.raises(AdminError, match="invalid fault"):
            mock.add_fault(path="/x")


def test_connect_wraps_a_running_server_and_leaves_it_running():
    with IdentityMock(admin_token="secret") as mock:
        with pytest.raises(AdminError) as caught:
            IdentityMock.connect(mock.url)
        assert caught.value.status == 401
        other = IdentityMock.connect(mock.url + "/", admin_token="secret")
        assert other.url == mock.url
        other.stop()
        assert mock.health()["status"] == "ok"


def test_connect_to_nothing_says_so():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(IdentityMockError, match=f"cannot reach identity-mock at http://127.0.0.1:{port}"):
        IdentityMock.connect(f"http://127.0.0.1:{port}")


# ---------------------------------------------------------------- the pytest plugin

INNER_TESTS = textwrap.dedent(
    """
    import json, urllib.request

    def post(ns, key):
        body = json.dumps({"identifier_key": key, "name": key, "identity_type": "user"}).encode()
        request = urllib.request.Request(ns.url + "/v1/identities/", data=body, method="POST",
                                         headers={**ns.headers, "Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request).read())

    def test_one(identity_mock_namespace):
        assert post(identity_mock_namespace, "same")["identifier_key"] == "same"

    def test_two(identity_mock_namespace):
        assert post(identity_mock_namespace, "same")["identifier_key"] == "same"

    def test_fails(identity_mock_namespace):
        post(identity_mock_namespace, "the-failing-one")
        assert False, "on purpose"
    """
)


def test_the_plugin_isolates_tests_reports_the_journal_and_cleans_up(pytester, monkeypatch):
    with IdentityMock() as outer:
        monkeypatch.setenv("IDENTITY_MOCK_URL", outer.url)
        pytester.makepyfile(test_inner=INNER_TESTS)
        result = pytester.runpytest_subprocess()
        result.assert_outcomes(passed=2, failed=1)
        result.stdout.fnmatch_lines([
            "*identity-mock journal, namespace pytest-*-test_fails*",
            "POST /v1/identities/ -> 200 (identities.create)",
            '*request : {"identifier_key": "the-failing-one"*',
        ])
        # Every test namespace was dropped after its test; only their journal entries remain.
        names = {entry["namespace"] for entry in outer.requests()}
        assert len(names) == 3 and all(name.startswith("pytest-") for name in names)
        assert set(outer.state()["namespaces"]) == {"default"}


def test_the_plugin_starts_one_server_per_session_with_its_options(pytester, monkeypatch):
    monkeypatch.delenv("IDENTITY_MOCK_URL", raising=False)
    pytester.makepyfile(
        test_inner="""
        import urllib.request

        def test_options(identity_mock):
            assert identity_mock.command()[-2:] == ["--journal-size", "7"]
            assert "--seed" in identity_mock.command()
            with urllib.request.urlopen(identity_mock.url + "/v1/identities/count") as response:
                assert response.read() == b"0"

        def test_same_server(identity_mock, identity_mock_namespace):
            assert identity_mock_namespace.url == identity_mock.url
            assert identity_mock_namespace.api_key == identity_mock_namespace.name
        """
    )
    fixtures = pytester.path / "empty.json"
    fixtures.write_text("{}")
    result = pytester.runpytest_subprocess(
        "--identity-mock-seed=5", f"--identity-mock-fixtures={fixtures}",
        "--identity-mock-arg=--journal-size", "--identity-mock-arg=7",
    )
    result.assert_outcomes(passed=2)


def test_a_server_that_cannot_start_fails_the_session_clearly(pytester, monkeypatch):
    monkeypatch.delenv("IDENTITY_MOCK_URL", raising=False)
    pytester.makepyfile(test_inner="def test_x(identity_mock):\n    pass\n")
    result = pytester.runpytest_subprocess("--identity-mock-fixtures=/nowhere.json")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*StartupError: identity-mock exited with status 1*", "*invalid fixtures*"])
