#!/usr/bin/env python3
"""Helpers of benches/load.sh: fixture generation, one-off HTTP checks, start-up timing, wrk output
parsing and the final table. Standard library only; every wait is bounded in time.

Subcommands:
  gen letta|orq N OUT             write a fixtures document of N identities shaped like the bundled
                                  ones; print the id of the identity in the middle of list order
  http METHOD URL [opts]          one request (-H 'Name: value', --body TEXT, --body-file FILE);
                                  --expect STATUS and --items N check the answer; --quiet prints
                                  nothing, --time prints the milliseconds it took
  startup TIMEOUT_S -- CMD...     start CMD, print "listen_ms health_ms vmrss_kib vmhwm_kib"
  namespaces URL N                N namespaces that each read once (a Letta count and an orq list,
                                  with its own X-Mock-Namespace), over one kept-alive connection
  wrk FILE                        print "rps p50_ms p99_ms non2xx socket_errors" from wrk --latency
  table ROWS_TSV                  print the table, with each target checked
"""

import http.client
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def die(message):
    print(f"load_helper: {message}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------------------------------------
# gen


def ulid(millis, rng):
    """A ULID: 48-bit time, 80 random bits, Crockford base32 (the schema's pattern)."""
    value = (millis << 80) | rng.getrandbits(80)
    chars = []
    for _ in range(26):
        chars.append(CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def uuid4(rng):
    bits = rng.getrandbits(128)
    bits &= ~(0xF << 76)
    bits |= 0x4 << 76  # version 4
    bits &= ~(0x3 << 62)
    bits |= 0x2 << 62  # RFC 4122 variant
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def iso(millis, with_millis=True):
    seconds, ms = divmod(millis, 1000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{text}.{ms:03d}Z" if with_millis else f"{text}Z"


def gen(kind, n, out):
    """Identities cycle through the bundled ones as templates (same fields, same properties,
    metrics and budget), each with its own id and unique key. Creation times are one second apart
    and in document order, so the middle of the document is the middle of the list."""
    rng = random.Random(20260101 + n)
    base_ms = 1_735_689_600_000  # 2025-01-01T00:00:00Z
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    middle = None
    with open(os.path.join(ROOT, "fixtures", f"{kind}.json"), encoding="utf-8") as f:
        templates = json.load(f)[kind]["identities"]
    with open(out, "w", encoding="utf-8") as f:
        f.write('{"%s":{"identities":[' % kind)
        for i in range(n):
            t = dict(templates[i % len(templates)])
            created = base_ms + i * 1000
            if kind == "letta":
                t["id"] = f"identity-{uuid4(rng)}"
                t["identifier_key"] = f"bench-user-{i}"
                t["name"] = f"{t['name']} {i}"
                # Links would need the agents and blocks in the document too: left out.
                t["agent_ids"] = []
                t["block_ids"] = []
                t["created_at"] = iso(created)
                ident = t["id"]
            else:
                t["_id"] = ulid(created, rng)
                t["external_id"] = f"bench_{i}"
                t["display_name"] = f"{t.get('display_name', 'Bench')} {i}"
                t["email"] = f"user{i}@example.com"
                t["created"] = iso(created)
                t.pop("updated", None)
                ident = t["_id"]
            if i == n // 2:
                middle = ident
            if i:
                f.write(",")
            f.write(dumps(t))
        f.write("]}}\n")
    print(middle)


# ---------------------------------------------------------------------------------------------
# http


def request(method, url, headers=None, body=None, timeout=30.0):
    m = re.match(r"http://([^/:]+):(\d+)(/.*)?$", url)
    if not m:
        die(f"not a loopback http URL: {url}")
    conn = http.client.HTTPConnection(m.group(1), int(m.group(2)), timeout=timeout)
    try:
        conn.request(method, m.group(3) or "/", body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def cmd_http(args):
    method, url = args[0], args[1]
    headers, body, expect, items, quiet, timed = {}, None, None, None, False, False
    i = 2
    while i < len(args):
        if args[i] == "-H":
            name, _, value = args[i + 1].partition(":")
            headers[name.strip()] = value.strip()
        elif args[i] == "--body":
            body = args[i + 1].encode()
        elif args[i] == "--body-file":
            with open(args[i + 1], "rb") as f:
                body = f.read()
        elif args[i] == "--expect":
            expect = int(args[i + 1])
        elif args[i] == "--items":
            items = int(args[i + 1])
        elif args[i] in ("--quiet", "--time"):
            quiet = quiet or args[i] == "--quiet"
            timed = timed or args[i] == "--time"
            i += 1
            continue
        else:
            die(f"http: unknown option {args[i]}")
        i += 2
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    started = time.perf_counter()
    status, data = request(method, url, headers, body, timeout=600.0)
    took_ms = (time.perf_counter() - started) * 1000
    problem = None
    if expect is not None and status != expect:
        problem = f"{method} {url}: status {status}, expected {expect}: {data[:300]!r}"
    elif items is not None:
        value = json.loads(data)
        found = len(value["data"]) if isinstance(value, dict) else len(value)
        if found != items:
            problem = f"{method} {url}: {found} items, expected {items}"
    if problem:
        die(problem)
    if timed:
        print(f"{took_ms:.2f}")
    elif not quiet:
        sys.stdout.write(data.decode("utf-8", "replace"))


def cmd_namespaces(args):
    url, count = args[0], int(args[1])
    m = re.match(r"http://([^/:]+):(\d+)$", url)
    if not m:
        die(f"not a loopback http URL: {url}")
    conn = http.client.HTTPConnection(m.group(1), int(m.group(2)), timeout=30)
    for i in range(count):
        name = f"reader-{i}"
        for path, headers in (("/v1/identities/count", {}), ("/v2/identities?limit=1", {"Authorization": "Bearer k"})):
            conn.request("GET", path, headers={"X-Mock-Namespace": name, **headers})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                die(f"namespace {name}: GET {path} answered {response.status}")
    conn.close()


# ---------------------------------------------------------------------------------------------
# startup


def proc_status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cmd_startup(args):
    """Start the server, time the 'listening on' line and the first 200 of /__admin/health from the
    moment the process is spawned, read its memory once idle, then stop it."""
    timeout = float(args[0])
    command = args[2:] if args[1] == "--" else die("startup: expected -- before the command")
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = b""
        deadline = t0 + timeout
        # readline blocks, but the server prints the line or exits; a watchdog bounds the wait.
        watchdog = subprocess.Popen(
            ["sh", "-c", f"sleep {timeout}; kill -9 {proc.pid} 2>/dev/null"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            line = proc.stdout.readline()
        finally:
            watchdog.kill()
            watchdog.wait()
        t_listen = time.perf_counter()
        m = re.search(rb"listening on http://([^:\s]+):(\d+)", line)
        if not m:
            die(f"startup: no 'listening on' line from {command[0]}: {line!r} {proc.stderr.read(2000)!r}")
        host, port = m.group(1).decode(), int(m.group(2))
        t_health = None
        while time.perf_counter() < deadline:
            try:
                conn = http.client.HTTPConnection(host, port, timeout=5)
                conn.request("GET", "/__admin/health")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    t_health = time.perf_counter()
                    break
            except OSError:
                pass
            time.sleep(0.0005)
        if t_health is None:
            die("startup: /__admin/health never answered 200")
        time.sleep(0.3)  # let the runtime settle before reading idle memory
        rss, hwm = proc_status_kib(proc.pid, "VmRSS"), proc_status_kib(proc.pid, "VmHWM")
        print(f"{(t_listen - t0) * 1000:.2f} {(t_health - t0) * 1000:.2f} {rss} {hwm}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=12)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------------------------
# wrk


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m|h)$", text)
    return float(m.group(1)) * UNITS_MS[m.group(2)] if m else float("nan")


def parse_wrk(text):
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    total = re.search(r"(\d+) requests in", text)
    return {
        "rps": float(rps.group(1)) if rps else float("nan"),
        "p50": to_ms(p50.group(1)) if p50 else float("nan"),
        "p99": to_ms(p99.group(1)) if p99 else float("nan"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": sum(int(g) for g in sock.groups()) if sock else 0,
        "requests": int(total.group(1)) if total else 0,
    }


def cmd_wrk(args):
    with open(args[0]) as f:
        r = parse_wrk(f.read())
    print(f"{r['rps']:.1f} {r['p50']:.4f} {r['p99']:.4f} {r['non2xx']} {r['errors']} {r['requests']}")


# ---------------------------------------------------------------------------------------------
# table

# Columns of ROWS_TSV, one row per line, "-" for nothing:
#   label  kind  rps  p50_ms  p99_ms  rss_kib  non2xx  errors  baseline  group  size  targets  note  [pair_rps]
# kind: load (a wrk row), rss (memory only), startup (p50 = median, p99 = max of the tries)
# baseline: hello-get | hello-post: the ratio is taken against the better hello row of that method;
#   pair-get | pair-post: against pair_rps, a hello run measured right before the row; - : none
# group/size: rows of one group at different sizes are compared with the smallest size
# targets: ';'-separated checks: ratio>=X  p99<X (ms)  p50<X (ms)  rss<X (MiB)  scale<=X


def fnum(text):
    try:
        return float(text)
    except ValueError:
        return float("nan")


def fmt_ms(ms):
    if math.isnan(ms):
        return "-"
    if ms < 1:
        return f"{ms * 1000:.0f}µs"
    if ms < 100:
        return f"{ms:.2f}ms"
    if ms < 10000:
        return f"{ms:.0f}ms"
    return f"{ms / 1000:.1f}s"


def fmt_rss(kib):
    if math.isnan(kib) or kib <= 0:
        return "-"
    mib = kib / 1024
    return f"{mib:.1f} MiB" if mib < 1024 else f"{mib / 1024:.2f} GiB"


def cmd_table(args):
    rows = []
    with open(args[0], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            cols += ["-"] * (14 - len(cols))
            label, kind, rps, p50, p99, rss, non2xx, errors, baseline, group, size, targets, note, pair = cols[:14]
            rows.append(
                {
                    "label": label,
                    "kind": kind,
                    "rps": fnum(rps),
                    "p50": fnum(p50),
                    "p99": fnum(p99),
                    "rss": fnum(rss),
                    "non2xx": int(fnum(non2xx)) if non2xx != "-" else 0,
                    "errors": int(fnum(errors)) if errors != "-" else 0,
                    "baseline": baseline,
                    "group": group,
                    "size": int(size) if size not in ("-", "") else None,
                    "targets": [t for t in targets.split(";") if t and t != "-"],
                    "note": "" if note == "-" else note,
                    "pair": fnum(pair),
                }
            )
    base = {}
    for r in rows:
        # The baseline is the better run of each hello row: noise can only make a ratio stricter.
        for prefix, key in (("hello GET", "hello-get"), ("hello POST", "hello-post")):
            if r["label"].startswith(prefix) and r["kind"] == "load" and not math.isnan(r["rps"]):
                if key not in base or r["rps"] > base[key]["rps"]:
                    base[key] = r
    smallest = {}
    for r in rows:
        if r["group"] != "-" and r["size"] is not None:
            if r["group"] not in smallest or r["size"] < smallest[r["group"]]["size"]:
                smallest[r["group"]] = r

    out = []
    misses = 0
    for r in rows:
        ratio = float("nan")
        if r["baseline"] in base and r["kind"] == "load":
            ratio = r["rps"] / base[r["baseline"]]["rps"]
        elif r["baseline"].startswith("pair-") and r["pair"] > 0:
            ratio = r["rps"] / r["pair"]
            method = "POST" if r["baseline"] == "pair-post" else "GET"
            r["note"] = "; ".join(x for x in (f"paired hello {method} {r['pair']:,.0f}/s", r["note"]) if x)
        scale = float("nan")
        small = smallest.get(r["group"])
        if small is not None and small is not r and r["rps"] > 0:
            scale = small["rps"] / r["rps"]  # how many times more a request costs at this size
        checks = []
        for t in r["targets"]:
            m = re.match(r"(ratio|p99|p50|rss|scale)(>=|<=|<)([\d.]+)$", t)
            if not m:
                checks.append(f"?{t}")
                continue
            what, op, limit = m.group(1), m.group(2), float(m.group(3))
            value = {"ratio": ratio, "p99": r["p99"], "p50": r["p50"], "rss": r["rss"] / 1024, "scale": scale}[what]
            ok = (value >= limit) if op == ">=" else (value <= limit) if op == "<=" else (value < limit)
            if math.isnan(value):
                ok = False
            unit = {"p99": "ms", "p50": "ms", "rss": " MiB", "scale": "x"}.get(what, "")
            if not ok:
                shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
                checks.append(f"MISS {what} {shown}{unit} (want {op}{limit:g}{unit})")
            else:
                checks.append(f"ok {what}{op}{limit:g}{unit}")
        invalid = r["kind"] == "load" and (r["non2xx"] > 0 or r["errors"] > 0 or math.isnan(r["rps"]))
        if invalid:
            checks.insert(0, f"INVALID: {r['non2xx']} non-2xx, {r['errors']} socket errors")
        result = "; ".join(checks)
        if "MISS" in result or "INVALID" in result:
            misses += 1
        vs = "-"
        if not math.isnan(ratio):
            vs = f"{ratio:.2f}"
        if not math.isnan(scale):
            vs = (vs + " " if vs != "-" else "") + f"[{scale:.2f}x cost vs {small['size']:,}]"
        out.append(
            [
                r["label"],
                "-" if math.isnan(r["rps"]) else f"{r['rps']:,.0f}" if r["rps"] >= 10 else f"{r['rps']:.2f}",
                fmt_ms(r["p50"]),
                fmt_ms(r["p99"]),
                vs,
                fmt_rss(r["rss"]),
                result or "-",
                r["note"],
            ]
        )
    header = ["row", "req/s", "p50", "p99", "vs hello", "peak RSS", "targets", "note"]
    widths = [max(len(header[i]), *(len(o[i]) for o in out)) for i in range(len(header) - 1)]

    def line(cells):
        parts = [c.ljust(widths[i]) if i < len(widths) else c for i, c in enumerate(cells)]
        return " | ".join(parts).rstrip()

    print(line(header))
    print("-+-".join("-" * w for w in widths) + "-+-" + "-" * 4)
    for o in out:
        print(line(o))
    print()
    print(f"{misses} row(s) with a missed target or an invalid run" if misses else "every target met")


def main():
    if len(sys.argv) < 2:
        die(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "gen":
        gen(args[0], int(args[1]), args[2])
    elif command == "http":
        cmd_http(args)
    elif command == "startup":
        cmd_startup(args)
    elif command == "namespaces":
        cmd_namespaces(args)
    elif command == "wrk":
        cmd_wrk(args)
    elif command == "table":
        cmd_table(args)
    else:
        die(f"unknown command {command}\n{__doc__}")


if __name__ == "__main__":
    main()
