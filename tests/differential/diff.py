#!/usr/bin/env python3
"""Differential test of identity-mock's Letta API against a real Letta 0.16.8 server.

Commands:
  run REAL_URL MOCK_BIN [--seeds 1,2,3] [--steps 300] [--record FILE] [--show N]
      For each seed, empties the real server, starts MOCK_BIN --empty, and sends the same
      generated requests to both in lockstep; compares status, content type and body after
      mapping ids and blanking timestamps and the random parts of 409 texts. Prints the share
      of exchanges that matched and the mismatches grouped by cause, one example each. With
      --record, appends every exchange (the request and the real server's answer) to FILE as
      JSON lines, for `replay`.
  cases REAL_URL MOCK_BIN CASES.json [--record FILE]
      Sends hand-written requests (a JSON list of {note, method, path, headers, body}; `{id:N}`
      in a path or body is the N-th identity id the real server's answers showed, `{id:-1}` the
      latest, and `{agent:N}` and `{block:N}` the same for agent and block ids) to both servers on
      an empty start, compares them the same way, and with --record appends the exchanges to FILE.
      Exits 1 on any mismatch. tests/differential/cases/ holds the divergences fixed so far.
  replay MOCK_BIN FILE...
      Sends each recorded request to a fresh MOCK_BIN (one per file) and compares its answers
      with the recorded real ones, the same way. Exits 1 on any mismatch. Needs no real server:
      this is how the suite keeps every recorded divergence fixed.

Standard library only. Requests are built in the real server's id space; the mock's ids are
mapped to the real ones as both hand them out.
"""

import base64
import http.client
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import OrderedDict

ID_RE = re.compile(r"identity-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
UNKNOWN_ID = "identity-123e4567-e89b-42d3-8456-426614174000"
# The other ids the agents and blocks routes hand out, mapped the same way, each kind on its own.
OTHER_ID_RES = {kind: re.compile(kind + r"-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
                for kind in ("agent", "block", "message", "tool")}

# ---------------------------------------------------------------------------------------------
# HTTP


def send(base, request, timeout=30):
    """Sends one request (a dict: method, path, headers, body_b64) and returns (status, headers,
    body bytes)."""
    match = re.match(r"http://([^/:]+):(\d+)$", base)
    host, port = match.group(1), int(match.group(2))
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    body = base64.b64decode(request["body_b64"]) if request.get("body_b64") is not None else None
    try:
        conn.putrequest(request["method"], request["path"], skip_accept_encoding=True)
        for name, value in request.get("headers", []):
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        data = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, data
    finally:
        conn.close()


def start_mock(binary):
    process = subprocess.Popen(
        [binary, "--port", "0", "--empty", "--seed", "1", "--journal-size", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    line = process.stdout.readline().decode().strip()
    if not line.startswith("listening on "):
        process.kill()
        sys.exit(f"the mock did not start: {line!r} {process.stderr.read().decode()}")
    return process, line[len("listening on "):]


def empty_real(real):
    """Deletes every identity of the real server (its data persists between starts)."""
    for _ in range(50):
        status, _, data = send(real, {"method": "GET", "path": "/v1/identities/?limit=0"})
        if status != 200:
            # A stored value the server cannot write back (an integer past 64 bits) fails every
            # list; only the database can remove it.
            if empty_real_database():
                continue
            sys.exit(f"the real server answered {status} to the list: {data[:200]!r}")
        identities = json.loads(data)
        if not identities:
            return
        for identity in identities:
            send(real, {"method": "DELETE", "path": f"/v1/identities/{identity['id']}"})
    sys.exit("the real server could not be emptied")


def restart_real(real):
    """Starts the real server again with the command REAL_LETTA_START names (run.sh sets it): a
    real Letta 0.16.8 now and then aborts on heap corruption ("realloc(): invalid next size")."""
    command = os.environ.get("REAL_LETTA_START")
    if not command:
        sys.exit("the real server died and REAL_LETTA_START does not say how to start it again")
    subprocess.run(["bash", command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    for _ in range(120):
        try:
            if send(real, {"method": "GET", "path": "/v1/health/"}, timeout=5)[0] == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(1)
    sys.exit("the real server did not come back")


def empty_real_database():
    """Deletes the identities table's rows with psql, on the cluster ../shared/real-letta/ runs."""
    command = ["psql", "-h", "127.0.0.1", "-p", os.environ.get("REAL_LETTA_PG_PORT", "55432"), "-U", "letta",
               "-d", "letta", "-c", "DELETE FROM identities"]
    try:
        done = subprocess.run(command, env={**os.environ, "PGPASSWORD": "letta"}, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


# ---------------------------------------------------------------------------------------------
# Comparison


class Ids:
    """The ids each side handed out, paired in the order they appeared."""

    def __init__(self):
        self.to_mock = {}
        self.to_real = {}

    def learn(self, real_body, mock_body):
        for pattern in (ID_RE, *OTHER_ID_RES.values()):
            real_ids = list(OrderedDict.fromkeys(pattern.findall(real_body)))
            mock_ids = list(OrderedDict.fromkeys(pattern.findall(mock_body)))
            for real_id, mock_id in zip(real_ids, mock_ids):
                if real_id not in self.to_mock and mock_id not in self.to_real:
                    self.to_mock[real_id] = mock_id
                    self.to_real[mock_id] = real_id

    def for_mock(self, text):
        return self._map(text, self.to_mock)

    def for_real(self, text):
        return self._map(text, self.to_real)

    @staticmethod
    def _map(text, table):
        for pattern in (ID_RE, *OTHER_ID_RES.values()):
            text = pattern.sub(lambda m: table.get(m.group(0), m.group(0)), text)
        return text


TIMES = [
    (re.compile(r"datetime\.datetime\([0-9, ]+(, tzinfo=[^)]*\))?\)?"), "datetime.datetime(<time>)"),
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "<time>"),
    # the id of the row a failed INSERT tried to add: fresh on each side
    (re.compile(r"\[parameters: \('identity-[0-9a-f-]{36}'"), "[parameters: ('identity-<fresh>'"),
]


def normalize(status, headers, body, ids=None):
    text = body.decode("utf-8", "replace")
    if ids is not None:
        text = ids.for_real(text)
    for pattern, replacement in TIMES:
        text = pattern.sub(replacement, text)
    location = headers.get("location")
    if location:
        location = re.sub(r"http://[^/]+", "http://<host>", location)
        if ids is not None:
            location = ids.for_real(location)
    return {
        "status": status,
        "content-type": headers.get("content-type"),
        "location": location,
        "allow": headers.get("allow"),
        "body": text,
    }


def route_of(request):
    path = request["path"].split("?")[0]
    path = ID_RE.sub("{id}", path)
    for kind, pattern in OTHER_ID_RES.items():
        path = pattern.sub("{" + kind + "}", path)
    path = re.sub(r"/v1/identities/(?!count|\{id\})[^/]+", "/v1/identities/{bad}", path)
    return f"{request['method']} {path}"


def cause(request, real, mock):
    """What a mismatch is about, for grouping."""
    route = route_of(request)
    if real["status"] != mock["status"]:
        return f"{route}: status {real['status']} (real) vs {mock['status']} (mock)"
    for field in ("content-type", "location", "allow"):
        if real[field] != mock[field]:
            return f"{route} {real['status']}: {field} differs"
    a, b = real["body"], mock["body"]
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"{route} {real['status']}: body differs near {a[max(0, at - 20):at + 20]!r}"


# ---------------------------------------------------------------------------------------------
# The generator


NAMES = ["Alice", "alice", "ALICE", "Bob", "a_b", "axb", "a%b", "50% off", "x\\y", "Zoë", "東京", "🙂 smile",
         "a b", "", " ", "Ab", "ab", "O'Brien", "quote\"d", "tab\tname", "line\nbreak", "__", "%", "nul\u0000",
         "lone\ud800", "\udc00", "😀\ud83d"]
NAME_FILTERS = ["a", "A", "_", "__", "%", "a_b", "a%", "\\", "\\_", "\\%", "50\\%", "zoë", "ZOË", "東", "'", "🙂",
                "b", "x\\y", "nobody"]
KEYS = ["user-1", "user-2", "user-3", "org-1", "svc", "user-1 ", "User-1", "ü", ""]
PROJECTS = [None, None, "proj-1", "proj-2", ""]
TYPES = ["user", "org", "other"]
NUMBERS = ["0", "-0", "-0.0", "1", "1.0", "1.5", "-2.25", "1e16", "1e21", "1E5", "1e-7", "0.1", "123456789012345678901",
           "1.7976931348623157e308", "2e308", "1e400", "-1e-400", "3.14159265358979323846", "100000000000000000",
           "9007199254740993", "NaN", "Infinity", "-Infinity"]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.live = []      # real ids alive
        self.dead = []      # real ids deleted

    def pick(self, items):
        return self.rng.choice(items)

    def some_id(self):
        roll = self.rng.random()
        if self.live and roll < 0.7:
            return self.pick(self.live)
        if self.dead and roll < 0.85:
            return self.pick(self.dead)
        return self.pick([UNKNOWN_ID, "abc", "identity-C24CF4CC-C4AC-4722-AB2D-A7CEFA5B8544",
                          "identity-c24cf4cc-c4ac-1722-ab2d-a7cefa5b8544"])

    def number(self):
        return self.pick(NUMBERS)

    def value_for(self, kind):
        roll = self.rng.random()
        if roll < 0.15:
            return self.pick(['"text"', '""', 'null', 'true', '[1, 2]', '{"a": 1}', '"\\u0000"', '"\\ud800"',
                              '{"k\\ud800": 1}', '{"a": {"\\udc00\\udc01": [1]}}', self.deep()])
        if kind == "number":
            return self.number()
        if kind == "boolean":
            return self.pick(["true", "false", '"true"', "1", "0"])
        if kind == "json":
            return self.pick(['{"a": 1}', '[1, "x"]', '{"n": ' + self.number() + '}', 'null', '"s"'])
        return json.dumps(self.pick(NAMES))

    def deep(self):
        """A value nested around the depths where upstream's serializers give up (251 to 256)."""
        depth = self.pick([5, 129, 250, 251, 252, 255, 256, 300])
        return '{"a": ' * depth + "1" + "}" * depth

    def properties(self):
        items = []
        for _ in range(self.rng.randint(0, 3)):
            key = self.pick(["a", "b", "email", "n", "a"])
            kind = self.pick(["string", "number", "boolean", "json", "other"])
            items.append('{"key": %s, "value": %s, "type": "%s"}' % (json.dumps(key), self.value_for(kind), kind))
        return "[" + ", ".join(items) + "]"

    def identity_body(self, partial=False):
        fields = []
        if not partial or self.rng.random() < 0.4:
            fields.append('"identifier_key": %s' % json.dumps(self.pick(KEYS)))
        if not partial or self.rng.random() < 0.5:
            fields.append('"name": %s' % json.dumps(self.pick(NAMES)))
        if not partial or self.rng.random() < 0.3:
            fields.append('"identity_type": %s' % json.dumps(self.pick(TYPES + ["robot"]) if self.rng.random() < 0.95 else "x"))
        project = self.pick(PROJECTS)
        if project is not None or self.rng.random() < 0.2:
            fields.append('"project_id": %s' % json.dumps(project))
        if self.rng.random() < 0.5:
            fields.append('"properties": %s' % (self.properties() if self.rng.random() < 0.9 else "null"))
        if self.rng.random() < 0.05:
            fields.append('"agent_ids": ["agent-123e4567-e89b-42d3-8456-426614174000"]')
        if self.rng.random() < 0.05:
            fields.append('"block_ids": []')
        if self.rng.random() < 0.05:
            fields.append('"extra": 1')
        if not partial and self.rng.random() < 0.1:
            self.rng.shuffle(fields)
            fields = fields[1:]
        return "{" + ", ".join(fields) + "}"

    def raw_body(self, body):
        """Sometimes spoils a body the way clients do."""
        roll = self.rng.random()
        if roll < 0.03:
            return "{bad"
        if roll < 0.05:
            return "\ufeff" + body
        if roll < 0.06:
            return body[: max(1, len(body) // 2)]
        if roll < 0.07:
            return "[" * self.pick([50, 129, 200, 1001]) + "]" * self.pick([50, 129, 200, 1001])
        if roll < 0.08:
            return ""
        if roll < 0.09:
            return body.replace('"', "'")
        return body

    def headers(self, has_body):
        headers = []
        roll = self.rng.random()
        if has_body:
            if roll < 0.86:
                headers.append(("Content-Type", "application/json"))
            elif roll < 0.93:
                headers.append(("Content-Type", self.pick(["text/plain", "application/json; charset=utf-8",
                                                           "APPLICATION/JSON", "application/vnd.api+json",
                                                           "application/x-www-form-urlencoded", "application/jsonx"])))
        if self.rng.random() < 0.03:
            headers.append(("user_id", self.pick(["bob", "user-123e4567-e89b-42d3-8456-426614174000"])))
        if self.rng.random() < 0.05:
            headers.append(("Authorization", "Bearer some-key"))
        return headers

    def query(self):
        params = []
        if self.rng.random() < 0.3:
            params.append(("name", self.pick(NAME_FILTERS)))
        if self.rng.random() < 0.15:
            params.append(("identifier_key", self.pick(KEYS)))
        if self.rng.random() < 0.1:
            params.append(("identity_type", self.pick(TYPES + ["robot", ""])))
        if self.rng.random() < 0.1:
            params.append(("project_id", self.pick(["proj-1", "proj-2", ""])))
        if self.rng.random() < 0.3:
            params.append(("limit", self.pick(["0", "1", "2", "3", "5", "-1", "-2", "-7", "1_0", "abc", "", "+2", " 3", "10",
                                               "1.", "3.0000", "0_0", "1__0", "1e1", "9223372036854775807",
                                               "99999999999999999999", "4611686018427387903"])))
        if self.rng.random() < 0.3:
            params.append(("order", self.pick(["asc", "desc", "up", ""])))
        if self.rng.random() < 0.05:
            params.append(("order_by", self.pick(["created_at", "name"])))
        for cursor in ("after", "before"):
            if self.rng.random() < 0.2:
                params.append((cursor, self.some_id()))
        if self.rng.random() < 0.05 and params:
            params.append(self.pick(params))  # a repeated parameter
        return "&".join(f"{k}={quote(v)}" for k, v in params)

    def next(self):
        """One request, in the real server's id space."""
        kind = self.rng.choices(
            ["create", "list", "count", "retrieve", "patch", "upsert", "properties", "delete", "agents", "blocks", "raw"],
            weights=[22, 20, 3, 8, 12, 7, 8, 7, 3, 3, 2],
        )[0]
        if kind == "create":
            body = self.raw_body(self.identity_body())
            return self.request("POST", "/v1/identities/", body)
        if kind == "list":
            query = self.query()
            return self.request("GET", "/v1/identities/" + (f"?{query}" if query else ""))
        if kind == "count":
            return self.request("GET", "/v1/identities/count")
        if kind == "retrieve":
            return self.request("GET", f"/v1/identities/{self.some_id()}")
        if kind == "patch":
            return self.request("PATCH", f"/v1/identities/{self.some_id()}", self.raw_body(self.identity_body(partial=True)))
        if kind == "upsert":
            return self.request("PUT", "/v1/identities/", self.raw_body(self.identity_body()))
        if kind == "properties":
            roll = self.rng.random()
            body = self.properties() if roll < 0.8 else self.pick(["null", "{}", '{"key": "a"}', "[1]", '"x"'])
            return self.request("PUT", f"/v1/identities/{self.some_id()}/properties", self.raw_body(body))
        if kind == "delete":
            return self.request("DELETE", f"/v1/identities/{self.some_id()}")
        if kind in ("agents", "blocks"):
            query = self.pick(["", "limit=1", "limit=-1", "order=asc", "include=agent.tags", "include=foo", "after=agent-123e4567-e89b-42d3-8456-426614174000"])
            return self.request("GET", f"/v1/identities/{self.some_id()}/{kind}" + (f"?{query}" if query else ""))
        method, path = self.pick([("GET", "/v1/identities"), ("POST", "/v1/identities"), ("DELETE", "/v1/identities/"),
                                  ("GET", "/v1/identities/count/"), ("GET", "/latest/identities/"), ("POST", "/v1/identities/count")])
        return self.request(method, path, "{}" if method == "POST" else None)

    def request(self, method, path, body=None):
        data = body.encode("utf-8", "surrogatepass") if body is not None else None
        return {
            "method": method,
            "path": path,
            "headers": self.headers(data is not None),
            "body_b64": base64.b64encode(data).decode() if data is not None else None,
        }

    def observe(self, request, real_status, real_body):
        """Keeps the live and deleted ids the real server reports."""
        try:
            value = json.loads(real_body)
        except ValueError:
            return
        if request["method"] in ("POST", "PUT") and real_status == 200 and isinstance(value, dict) and "id" in value:
            if value["id"] not in self.live:
                self.live.append(value["id"])
        if request["method"] == "DELETE" and real_status == 200:
            identity_id = request["path"].rsplit("/", 1)[-1]
            if identity_id in self.live:
                self.live.remove(identity_id)
                self.dead.append(identity_id)


def quote(text):
    from urllib.parse import quote as q
    return q(text, safe="")


# ---------------------------------------------------------------------------------------------
# Runs


def translate(request, ids):
    """The request as the mock must get it: the real ids it names replaced by the mock's."""
    translated = dict(request)
    translated["path"] = ids.for_mock(request["path"])
    if request.get("body_b64") is not None:
        body = base64.b64decode(request["body_b64"]).decode("utf-8", "surrogatepass")
        translated["body_b64"] = base64.b64encode(ids.for_mock(body).encode("utf-8", "surrogatepass")).decode()
    return translated


def compare(request, real, mock_raw, ids):
    """Learns ids from the two answers and compares them; returns (matched, real, mock)."""
    if real["status"] == mock_raw[0] and mock_raw[0] in (200, 409):
        ids.learn(real["body"], mock_raw[2].decode("utf-8", "replace"))
    mock = normalize(*mock_raw, ids=ids)
    real = normalize(real["status"], {"content-type": real["content-type"], "location": real.get("location"),
                                      "allow": real.get("allow")}, real["body"].encode("utf-8", "surrogatepass"))
    return real == mock, real, mock


def cmd_run(args):
    real, binary = args[0], args[1]
    seeds, steps, record, show = [1, 2, 3, 4, 5], 300, None, 1
    i = 2
    while i < len(args):
        if args[i] == "--seeds":
            seeds = [int(s) for s in args[i + 1].split(",")]
        elif args[i] == "--steps":
            steps = int(args[i + 1])
        elif args[i] == "--record":
            record = open(args[i + 1], "a", encoding="utf-8")
        elif args[i] == "--show":
            show = int(args[i + 1])
        else:
            sys.exit(f"unknown option {args[i]}")
        i += 2
    total = matched = 0
    causes = OrderedDict()
    crashes = []
    for seed in seeds:
        empty_real(real)
        process, mock = start_mock(binary)
        try:
            generator, ids = Generator(seed), Ids()
            for step in range(steps):
                request = generator.next()
                try:
                    status, headers, body = send(real, request)
                except (OSError, http.client.HTTPException) as error:
                    sent = base64.b64decode(request["body_b64"] or "")[:200]
                    crashes.append(f"seed {seed} step {step}: {request['method']} {request['path']} {sent!r} ({error!r})")
                    restart_real(real)
                    break
                real_answer = {"status": status, "content-type": headers.get("content-type"),
                               "location": headers.get("location"), "allow": headers.get("allow"),
                               "body": body.decode("utf-8", "replace")}
                generator.observe(request, status, body)
                mock_raw = send(mock, translate(request, ids))
                ok, real_n, mock_n = compare(request, real_answer, mock_raw, ids)
                total += 1
                matched += ok
                if record is not None:
                    record.write(json.dumps({"seed": seed, "step": step, "request": request, "real": real_answer}) + "\n")
                if not ok:
                    key = cause(request, real_n, mock_n)
                    causes.setdefault(key, []).append((seed, step, request, real_n, mock_n))
        finally:
            process.kill()
            process.wait()
    print(f"{matched}/{total} exchanges matched ({100 * matched / max(total, 1):.2f}%), seeds {seeds}, {steps} steps each")
    for crash in crashes:
        print(f"the real server died (the rest of that seed is left out): {crash}")
    for key, cases in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        print(f"\n[{len(cases)}] {key}")
        for seed, step, request, real_n, mock_n in cases[:show]:
            body = base64.b64decode(request["body_b64"]).decode("utf-8", "replace") if request.get("body_b64") else ""
            print(f"  seed {seed} step {step}: {request['method']} {request['path']} {request['headers']} {body[:300]!r}")
            print(f"    real: {real_n['status']} {real_n['body'][:400]}")
            print(f"    mock: {mock_n['status']} {mock_n['body'][:400]}")


def cmd_cases(args):
    """Sends hand-written requests (a JSON list of {note, method, path, headers, body}) to both
    servers, compares them, and with --record appends them, with the real answers, to FILE."""
    real, binary, cases_path = args[0], args[1], args[2]
    record = open(args[4], "a", encoding="utf-8") if args[3:4] == ["--record"] else None
    with open(cases_path, encoding="utf-8") as file:
        cases = json.load(file)
    empty_real(real)
    process, mock = start_mock(binary)
    failures = 0
    try:
        ids, handed_out = Ids(), []
        others = {kind: [] for kind in ("agent", "block")}
        for step, case in enumerate(cases):
            def with_ids(text):
                text = re.sub(r"\{id:(-?\d+)\}", lambda m: handed_out[int(m.group(1))], text)
                return re.sub(r"\{(agent|block):(-?\d+)\}", lambda m: others[m.group(1)][int(m.group(2))], text)
            body = case.get("body")
            data = with_ids(body).encode("utf-8", "surrogatepass") if body is not None else None
            request = {"method": case["method"], "path": with_ids(case["path"]), "headers": case.get("headers", []),
                       "body_b64": base64.b64encode(data).decode() if data is not None else None}
            status, headers, answer = send(real, request)
            real_answer = {"status": status, "content-type": headers.get("content-type"),
                           "location": headers.get("location"), "allow": headers.get("allow"),
                           "body": answer.decode("utf-8", "replace")}
            for found in ID_RE.findall(real_answer["body"]):
                if found not in handed_out:
                    handed_out.append(found)
            for kind, seen in others.items():
                for found in OTHER_ID_RES[kind].findall(real_answer["body"]):
                    if found not in seen:
                        seen.append(found)
            mock_raw = send(mock, translate(request, ids))
            ok, real_n, mock_n = compare(request, real_answer, mock_raw, ids)
            if not ok:
                failures += 1
                print(f"{cases_path}[{step}] {case.get('note', '')}: {cause(request, real_n, mock_n)}")
                print(f"  real: {real_n['status']} {real_n['body'][:400]}\n  mock: {mock_n['status']} {mock_n['body'][:400]}")
            if record is not None:
                record.write(json.dumps({"note": case.get("note"), "step": step, "request": request,
                                         "real": real_answer}) + "\n")
    finally:
        process.kill()
        process.wait()
    print(f"{len(cases) - failures}/{len(cases)} cases matched ({cases_path})")
    sys.exit(1 if failures else 0)


def cmd_replay(args):
    binary, files = args[0], args[1:]
    failures = total = 0
    for path in files:
        process, mock = start_mock(binary)
        try:
            ids = Ids()
            with open(path, encoding="utf-8") as file:
                for number, line in enumerate(file, 1):
                    if not line.strip():
                        continue
                    exchange = json.loads(line)
                    request, real = exchange["request"], exchange["real"]
                    mock_raw = send(mock, translate(request, ids))
                    ok, real_n, mock_n = compare(request, real, mock_raw, ids)
                    total += 1
                    if not ok:
                        failures += 1
                        print(f"{path}:{number}: {cause(request, real_n, mock_n)}")
                        print(f"  real: {real_n}\n  mock: {mock_n}")
        finally:
            process.kill()
            process.wait()
    print(f"replayed {total} recorded Letta exchanges")
    print(f"{total - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "cases", "replay"):
        sys.exit(__doc__)
    {"run": cmd_run, "cases": cmd_cases, "replay": cmd_replay}[sys.argv[1]](sys.argv[2:])
