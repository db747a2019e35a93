"""Start, drive and stop an identity-mock server from Python."""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
import weakref
from pathlib import Path
from typing import Any, Deque, Dict, Iterable, List, Mapping, Optional, Sequence, Union, cast

__all__ = [
    "AdminError",
    "IdentityMock",
    "IdentityMockError",
    "Namespace",
    "StartupError",
    "find_binary",
]

#: The environment variable that names the server binary to run instead of the bundled one.
BINARY_VARIABLE = "IDENTITY_MOCK_BINARY"
_EXE = "identity-mock.exe" if sys.platform == "win32" else "identity-mock"
_LISTENING = re.compile(r"^listening on (http://\S+)$")
#: Lines of server output kept for error messages.
_OUTPUT_LINES = 200

FixturesArg = Union[str, "os.PathLike[str]", Mapping[str, Any]]


class IdentityMockError(Exception):
    """Base class of every error this module raises."""


class StartupError(IdentityMockError):
    """The server did not start: it exited early or never said it was listening.

    ``output`` holds what it printed (stdout and stderr), ``returncode`` its exit status if it
    exited.
    """

    def __init__(self, message: str, output: str = "", returncode: Optional[int] = None) -> None:
        self.output = output
        self.returncode = returncode
        full = message if not output else f"{message}\n--- identity-mock output ---\n{output.rstrip()}"
        super().__init__(full)


class AdminError(IdentityMockError):
    """The admin API refused a request. ``status`` is the HTTP status, ``message`` the server's
    ``error`` text and ``problems`` its list of problems (for fixtures), if any."""

    def __init__(self, status: int, message: str, problems: Sequence[str] = ()) -> None:
        self.status = status
        self.message = message
        self.problems = list(problems)
        text = f"identity-mock admin API answered {status}: {message}"
        if self.problems:
            text += "".join(f"\n  {problem}" for problem in self.problems)
        super().__init__(text)


def find_binary() -> str:
    """The path of the ``identity-mock`` binary: ``$IDENTITY_MOCK_BINARY`` if set, else the one
    installed with this package, else one on ``PATH``."""
    override = os.environ.get(BINARY_VARIABLE)
    if override:
        if not os.path.isfile(override):
            raise IdentityMockError(f"{BINARY_VARIABLE}={override} is not a file")
        return override
    places = []
    # Where pip put the wheel's scripts: the environment's, the user's, or (pip install --target)
    # a bin folder next to the package's folder.
    places.append(sysconfig.get_path("scripts"))
    user_scheme = {"win32": "nt_user", "darwin": "osx_framework_user"}.get(sys.platform, "posix_user")
    try:
        places.append(sysconfig.get_path("scripts", scheme=user_scheme))
    except KeyError:
        pass
    places.append(str(Path(__file__).resolve().parent.parent / "bin"))
    for place in places:
        candidate = os.path.join(place, _EXE)
        if os.path.isfile(candidate):
            return candidate
    on_path = shutil.which(_EXE)
    if on_path:
        return on_path
    raise IdentityMockError(
        f"cannot find the identity-mock binary (looked in {', '.join(places)} and on PATH); "
        f"reinstall the identity-mock wheel or set {BINARY_VARIABLE}"
    )


def _stop_process(process: "subprocess.Popen[bytes]") -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class IdentityMock:
    """An identity-mock server: one that this object starts, or one already running
    (:meth:`connect`).

    Keyword arguments map to the command line: ``fixtures`` (a path, or a fixtures document as a
    dict), ``empty``, ``seed``, ``clock`` (``"fixed:2025-01-01T00:00:00Z"``), ``orq_api``
    (``"current"`` or ``"v1"``), ``api_keys``, ``admin_token`` and ``extra_args`` (any other
    options, as a list of strings). The server listens on a free port of ``host``.

    >>> with IdentityMock(empty=True) as mock:          # doctest: +SKIP
    ...     client = Letta(base_url=mock.url)
    """

    def __init__(
        self,
        *,
        fixtures: Optional[FixturesArg] = None,
        empty: bool = False,
        seed: Optional[int] = None,
        clock: Optional[str] = None,
        orq_api: Optional[str] = None,
        api_keys: Iterable[str] = (),
        admin_token: Optional[str] = None,
        extra_args: Iterable[str] = (),
        host: str = "127.0.0.1",
        binary: Optional[str] = None,
        startup_timeout: float = 10.0,
    ) -> None:
        if fixtures is not None and empty:
            raise ValueError("fixtures and empty=True exclude each other")
        self._fixtures = fixtures
        self._empty = empty
        self._seed = seed
        self._clock = clock
        self._orq_api = orq_api
        self._api_keys = list(api_keys)
        self._admin_token = admin_token
        self._extra_args = list(extra_args)
        self._host = host
        self._binary = binary
        self._startup_timeout = startup_timeout
        self._url: Optional[str] = None
        self._process: Optional["subprocess.Popen[bytes]"] = None
        self._output: Deque[str] = collections.deque(maxlen=_OUTPUT_LINES)
        self._temp_dir: Optional[tempfile.TemporaryDirectory[str]] = None
        self._finalizer: Optional[weakref.finalize[["subprocess.Popen[bytes]"], "IdentityMock"]] = None

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def connect(cls, url: str, *, admin_token: Optional[str] = None) -> "IdentityMock":
        """Wraps a server that is already running at ``url``; :meth:`stop` leaves it running.
        Raises :class:`IdentityMockError` if nothing answers there."""
        mock = cls(admin_token=admin_token)
        mock._url = url.rstrip("/")
        mock.health()
        return mock

    def command(self) -> List[str]:
        """The command line :meth:`start` runs."""
        args = [self._binary or find_binary(), "--host", self._host, "--port", "0"]
        if self._empty:
            args.append("--empty")
        if self._fixtures is not None:
            args += ["--fixtures", self._fixtures_path()]
        if self._seed is not None:
            args += ["--seed", str(self._seed)]
        if self._clock is not None:
            args += ["--clock", self._clock]
        if self._orq_api is not None:
            args += ["--orq-api", self._orq_api]
        for key in self._api_keys:
            args += ["--api-key", key]
        if self._admin_token is not None:
            args += ["--admin-token", self._admin_token]
        return args + self._extra_args

    def _fixtures_path(self) -> str:
        if isinstance(self._fixtures, Mapping):
            if self._temp_dir is None:
                self._temp_dir = tempfile.TemporaryDirectory(prefix="identity-mock-")
            path = os.path.join(self._temp_dir.name, "fixtures.json")
            with open(path, "w", encoding="utf-8") as file:
                json.dump(self._fixtures, file)
            return path
        return os.fspath(self._fixtures)  # type: ignore[arg-type]

    def start(self) -> "IdentityMock":
        """Starts the server and returns once it accepts connections.

        Raises :class:`StartupError`, with the server's output, if it exits first or does not
        start within ``startup_timeout`` seconds."""
        if self._url is not None:
            raise IdentityMockError(f"already started at {self._url}")
        command = self.command()
        self._output.clear()
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self._process = process
        self._finalizer = weakref.finalize(self, _stop_process, process)
        ready = threading.Event()
        found: List[str] = []
        output = self._output  # not self: the reader thread must not keep this object alive

        def drain() -> None:
            # Reads everything the server prints, for as long as it runs: a pipe nobody reads
            # would fill and stop the server. The first "listening on" line gives the URL.
            assert process.stdout is not None
            for raw in process.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                output.append(line)
                match = _LISTENING.match(line)
                if match and not found:
                    found.append(match.group(1))
                    ready.set()
            ready.set()

        reader = threading.Thread(target=drain, name="identity-mock-output", daemon=True)
        reader.start()
        ready.wait(self._startup_timeout)
        if found:
            self._url = found[0]
            return self
        described = " ".join(command)
        if not reader.is_alive() or process.poll() is not None:
            # The output ended: the server is exiting.
            try:
                returncode: Optional[int] = process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _stop_process(process)
                returncode = process.returncode
            reader.join(timeout=2)
            self.stop()
            raise StartupError(
                f"identity-mock exited with status {returncode} before it listened ({described})",
                self.output,
                returncode,
            )
        self.stop()
        reader.join(timeout=2)
        raise StartupError(
            f"identity-mock did not start listening within {self._startup_timeout} s ({described})",
            self.output,
        )

    def stop(self) -> None:
        """Stops the server this object started (SIGTERM, then SIGKILL after 10 s). Does
        nothing for a server it only connected to, or one already stopped."""
        if self._process is not None:
            _stop_process(self._process)
            if self._finalizer is not None:
                self._finalizer.detach()
            self._process = None
            self._url = None
        if self._temp_dir is not None:
            self._temp_dir.cleanup()
            self._temp_dir = None

    def __enter__(self) -> "IdentityMock":
        if self._url is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server's base URL, ``http://127.0.0.1:PORT``."""
        if self._url is None:
            raise IdentityMockError("the server is not running: call start() first")
        return self._url

    @property
    def output(self) -> str:
        """The last lines the started server printed."""
        return "\n".join(self._output)

    # ------------------------------------------------------------------ admin API

    def _admin(
        self,
        method: str,
        path: str,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[bytes] = None,
    ) -> Dict[str, Any]:
        url = f"{self.url}/__admin{path}"
        pairs = [
            (key, _query_text(item))
            for key, value in (query or {}).items()
            if value is not None
            for item in (value if isinstance(value, (list, tuple)) else [value])
        ]
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self._admin_token is not None:
            headers["X-Admin-Token"] = self._admin_token
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        # The server is local: a proxy configured for the outside world must not catch this.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=30) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                detail = json.loads(raw)
            except ValueError:
                detail = {}
            if not isinstance(detail, dict):
                detail = {}
            message = detail.get("error") or raw.decode("utf-8", "replace") or error.reason
            raise AdminError(error.code, str(message), detail.get("problems") or ()) from None
        except (urllib.error.URLError, OSError) as error:
            raise IdentityMockError(f"cannot reach identity-mock at {self.url}: {error}") from None
        answer = json.loads(text) if text else {}
        return answer if isinstance(answer, dict) else {"value": answer}

    def health(self) -> Dict[str, Any]:
        """``GET /__admin/health``: status, version, uptime and record counts."""
        return self._admin("GET", "/health")

    def reset(self, namespace: Optional[str] = None, *, empty: bool = False) -> None:
        """Back to the fixtures the server started with: every namespace, or only ``namespace``
        (whose data is then dropped until a request names it again). ``empty=True`` resets to no
        data at all."""
        self._admin("POST", "/reset", {"namespace": namespace, "empty": "true" if empty else None})

    def requests(
        self,
        method: Optional[str] = None,
        path: Optional[str] = None,
        status: Optional[int] = None,
        namespace: Optional[str] = None,
        limit: Optional[int] = None,
        *,
        api: Optional[str] = None,
        operation: Optional[str] = None,
        header: Union[str, Sequence[str], None] = None,
        preflight: bool = False,
    ) -> List[Dict[str, Any]]:
        """The request journal, oldest first, as dicts: ``time``, ``namespace``, ``api``
        (``letta``/``orq``), ``operation`` (``identities.create``, ...), ``method``, ``path``,
        ``query``, ``status``, ``request_headers``, ``request_body``, ``response_headers`` and
        ``response_body`` (text), ``request_json`` and ``response_json`` (when the body is JSON),
        ``duration_micros``.

        ``path`` may use ``*``; ``limit`` keeps the most recent entries; ``header`` is
        ``"Name:value"`` or ``"Name"`` (or a list of them, all of which must match);
        ``preflight=True`` includes CORS preflights."""
        query: Dict[str, Any] = {
            "method": method, "path": path, "status": status, "namespace": namespace, "limit": limit,
            "api": api, "operation": operation, "header": [header] if isinstance(header, str) else header,
            "preflight": "true" if preflight else None,
        }
        return cast(List[Dict[str, Any]], self._admin("GET", "/requests", query)["requests"])

    def clear_requests(self) -> int:
        """Empties the journal; returns how many entries it held."""
        return int(self._admin("DELETE", "/requests")["cleared"])

    def add_fault(self, **spec: Any) -> int:
        """Adds a fault and returns its id, e.g. ``add_fault(path="/v1/identities/*",
        status=503, body={"detail": "down"}, times=1)``. Keys as in the README's fault section;
        ``namespace=`` limits it to one namespace's requests."""
        return int(self._admin("POST", "/faults", body=json.dumps(spec).encode())["id"])

    def faults(self) -> List[Dict[str, Any]]:
        """The faults in force."""
        return cast(List[Dict[str, Any]], self._admin("GET", "/faults")["faults"])

    def remove_fault(self, fault_id: int) -> None:
        """Removes one fault."""
        self._admin("DELETE", f"/faults/{int(fault_id)}")

    def clear_faults(self) -> int:
        """Removes every fault; returns how many there were."""
        return int(self._admin("DELETE", "/faults")["removed"])

    def load_fixtures(self, document: FixturesArg, namespace: Optional[str] = None) -> Dict[str, Any]:
        """Adds a fixtures document (a dict, JSON text, or a path to a file) to ``namespace``
        (default: ``default``). A document with any problem is refused whole: :class:`AdminError`
        lists the problems and nothing is applied."""
        if isinstance(document, Mapping):
            body = json.dumps(document).encode()
        elif isinstance(document, str) and document.lstrip().startswith("{"):
            body = document.encode()
        else:
            body = Path(document).read_bytes()
        return self._admin("POST", "/fixtures", {"namespace": namespace}, body)

    def state(self) -> Dict[str, Any]:
        """The whole state as a fixtures document (every namespace under ``namespaces``)."""
        return self._admin("GET", "/state")

    def namespace(self, name: Optional[str] = None) -> "Namespace":
        """A handle on the namespace ``name``, or on a new one with a unique name (see
        :class:`Namespace`)."""
        return Namespace(self, name if name is not None else f"ns-{uuid.uuid4()}")

    def __repr__(self) -> str:
        where = self._url or "not running"
        return f"<IdentityMock {where}>"


def _query_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class Namespace:
    """One namespace of a server: the unit of isolation between tests.

    ``headers`` route letta-client or any HTTP client into it (``default_headers=ns.headers``);
    ``api_key`` is an orq API key whose workspace is this namespace.
    """

    def __init__(self, mock: IdentityMock, name: str) -> None:
        self.mock = mock
        self.name = name

    @property
    def headers(self) -> Dict[str, str]:
        """``{"X-Mock-Namespace": name}``."""
        return {"X-Mock-Namespace": self.name}

    @property
    def api_key(self) -> str:
        """An API key that lands in this namespace (the server takes a request's namespace from
        its bearer key when it names none)."""
        return self.name

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self.mock.url

    def reset(self, *, empty: bool = False) -> None:
        """Drops this namespace's data; the next request starts it from the fixtures again (or
        from nothing, with ``empty=True``)."""
        self.mock.reset(self.name, empty=empty)

    def requests(
        self,
        method: Optional[str] = None,
        path: Optional[str] = None,
        status: Optional[int] = None,
        limit: Optional[int] = None,
        **filters: Any,
    ) -> List[Dict[str, Any]]:
        """This namespace's entries in the journal; ``filters`` as for
        :meth:`IdentityMock.requests` (``api``, ``operation``, ``header``, ``preflight``)."""
        return self.mock.requests(method, path, status, self.name, limit, **filters)

    def load_fixtures(self, document: FixturesArg) -> Dict[str, Any]:
        """Adds a fixtures document to this namespace."""
        return self.mock.load_fixtures(document, self.name)

    def add_fault(self, **spec: Any) -> int:
        """Adds a fault that only this namespace's requests meet; returns its id."""
        return self.mock.add_fault(**spec, namespace=self.name)

    def __repr__(self) -> str:
        return f"<identity_mock.Namespace {self.name!r} at {self.mock._url or 'not running'}>"
