#!/usr/bin/env python3
"""SDK conformance scenario: the official Python SDK `orq-ai-sdk` against identity-mock's orq.ai
Identities API (`/v2/identities`).

Uses the SDK the way a user would (`from orq_ai_sdk import Orq`; `Orq(api_key=..., server_url=...)`)
and checks what every `client.identities` call returns. One file serves both API revisions:

  current  orq-ai-sdk 4.17.13 (4.9.17 and later) against the server's default revision:
           single objects wrapped as {"identity": ...}, create 201 with a Location header,
           delete 200 {}, repeated `filter_by.tags`, 404 on retrieve -> models.ErrorResponse
  v1       orq-ai-sdk 4.9.3 (4.1.15 to 4.9.3) against `--orq-api v1`: flat objects, delete 204,
           `filter_by={"tags": [...]}`, metrics on every list item, 404 on retrieve ->
           models.RetrieveIdentityIdentitiesResponseBody, and `client.contacts.create` (an upsert)

Expected behaviour is described in shared/reference/orq/NOTES.md (sections 3 to 7) and in the
server's own documentation (README.md).

Environment (set by tests/sdk/run.sh):
  IDENTITY_MOCK_BASE_URL  the server, e.g. http://127.0.0.1:41645 (required)
  IDENTITY_MOCK_MODE      the API revision the SDK speaks: "current" or "v1" (required)
  ORQ_AI_SDK_PY           the pinned SDK version for "current"; checked against the installed one
  ORQ_AI_SDK_V1_PY        the pinned SDK version for "v1"; checked against the installed one

The server must serve the bundled fixtures (fixtures/orq.json). Each API key is a workspace of its
own that starts from those fixtures: the scenario uses fresh random keys, so it never sees what an
earlier run created, and deletes what it created at the end.

On the first failing check it prints which check and which SDK call failed, and why, and exits 1.
"""

import importlib.metadata
import json
import os
import re
import sys
import traceback
import uuid
from datetime import datetime, timezone

from orq_ai_sdk import Orq, models
from sdk_checks import eq, ok  # this folder is on sys.path

BASE_URL = os.environ["IDENTITY_MOCK_BASE_URL"]
MODE = os.environ.get("IDENTITY_MOCK_MODE", "")
if MODE not in ("current", "v1"):
    sys.exit(f"IDENTITY_MOCK_MODE must be 'current' or 'v1', not {MODE!r}")
V1 = MODE == "v1"
EXPECTED_VERSION = os.environ.get("ORQ_AI_SDK_V1_PY" if V1 else "ORQ_AI_SDK_PY")
SDK_VERSION = importlib.metadata.version("orq-ai-sdk")
# Without an api_key argument the SDK falls back to $ORQ_API_KEY: keep the 401 check honest.
os.environ.pop("ORQ_API_KEY", None)

# The bundled fixtures (fixtures/orq.json), newest first, which is the list order.
BILLING_ID = "01JJ1HG9A1B3C5D7E9F1G3H5J7"   # service_billing: no tags
TURING_ID = "01JJ1HF7T2M4N6P8R0S2V4W6Y8"    # customer_34567: beta-user, no metrics
GRACE_ID = "01JJ1HE2R5K8Q3V6X9Z0B4C7D1"     # customer_23456: premium, beta-user
ADA_ID = "01JJ1HDHN79XAS7A01WB3HYSDB"       # customer_12345: enterprise, premium; metrics, budget
FIXTURE_IDS = [BILLING_ID, TURING_ID, GRACE_ID, ADA_ID]
ADA_METRICS = {"total_tokens": 125000, "total_cost": 12.75, "total_requests": 340, "error_rate": 0.02}
GRACE_METRICS = {"total_tokens": 48000, "total_cost": 3.4, "total_requests": 120, "error_rate": 0}
ZERO_METRICS = dict.fromkeys(ADA_METRICS, 0)
ULID_RE = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO_MILLIS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

SUFFIX = uuid.uuid4().hex[:8]
TAG = f"sdk-{SUFFIX}"
client = Orq(api_key=f"sdk-conformance-{SUFFIX}", server_url=BASE_URL)
other = Orq(api_key=f"sdk-conformance-{SUFFIX}-other", server_url=BASE_URL)
anonymous = Orq(api_key=None, server_url=BASE_URL)  # sends no Authorization header
CLIENT_NAMES = {id(client): "client", id(other): "other", id(anonymous): "anonymous"}

# What differs between the revisions, apart from the shape of results (see `unwrap`).
if V1:
    RETRIEVE_404 = models.RetrieveIdentityIdentitiesResponseBody  # .data.error
    UPDATE_404 = models.UpdateIdentityIdentitiesResponseBody      # .data.message
    DELETE_404 = models.DeleteIdentityResponseBody                # .data.error
    UNAUTHORIZED = models.APIError     # 4.9.3 declares no 401 model
    FALLBACK = models.APIError         # any status the operation does not declare
else:
    RETRIEVE_404 = models.ErrorResponse                           # .data.message, .data.code
    UPDATE_404 = DELETE_404 = models.APIDefaultError  # 4.17.13 declares 404 on retrieve only
    UNAUTHORIZED = models.ErrorResponse
    FALLBACK = models.APIDefaultError
NOT_FOUND_TEXT = "Identity not found" if V1 else "identity not found"
LABEL = f"orq-ai-sdk {SDK_VERSION}, {MODE}"

state = {}  # values shared between checks
checks_run = 0
last_call = [None]  # the SDK call made last, as text


# ---------------------------------------------------------------- helpers


def check(name, fn):
    """Runs one named check; on failure prints why and which SDK call, and exits 1."""
    global checks_run
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        print(f"FAIL [{LABEL}] {name}")
        # The innermost line of a check function names the SDK call or assertion that failed.
        helpers = {"check", "call", "eq", "ok", "expect_error", "error_body", "unwrap", "create", "retrieve",
                   "update", "list_page", "ids", "everything", "timestamp", "metrics_of"}
        here = [f for f in traceback.extract_tb(exc.__traceback__)
                if f.filename == __file__ and f.name not in helpers]
        if here:
            print(f"  at orq_python.py:{here[-1].lineno}: {here[-1].line}")
        sdk_call = getattr(exc, "sdk_call", None)
        if isinstance(exc, models.ResponseValidationError):
            print(f"  SDK call {sdk_call}: the SDK rejected the server's response")
            print("  ResponseValidationError: " + exc.message.replace("\n", "\n    "))
            print(f"  HTTP {exc.status_code} {exc.raw_response.request.method} {exc.raw_response.request.url}")
            print(f"  body: {exc.body[:2000]!r}")
        elif isinstance(exc, models.OrqError):
            print(f"  SDK call {sdk_call}: unexpected {type(exc).__name__}")
            print(f"  HTTP {exc.status_code} {exc.raw_response.request.method} {exc.raw_response.request.url}")
            print(f"  body: {exc.body[:2000]!r}")
        elif isinstance(exc, AssertionError):
            print("  " + str(exc).replace("\n", "\n    "))
            if last_call[0] and last_call[0] not in str(exc):
                print(f"  (last SDK call: {last_call[0]})")
        else:
            if sdk_call:
                print(f"  SDK call {sdk_call} raised an unexpected exception")
            print(f"  {type(exc).__name__}: {exc}")
            for line in traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:]:
                print("  " + line.rstrip().replace("\n", "\n  "))
        sys.exit(1)
    checks_run += 1


def call(sdk, method, **kwargs):
    """Calls `sdk.<method>(**kwargs)` (e.g. method="identities.create"). An exception leaving the
    SDK carries the call, as text, in `.sdk_call` so that a failure can name it."""
    fn = sdk
    for part in method.split("."):
        fn = getattr(fn, part)
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    last_call[0] = f"{CLIENT_NAMES[id(sdk)]}.{method}({args})"
    try:
        return fn(**kwargs)
    except Exception as exc:
        try:
            exc.sdk_call = last_call[0]
        except AttributeError:
            pass
        raise


def expect_error(exc_type, status, sdk, method, **kwargs):
    """`sdk.<method>(**kwargs)` must raise the SDK's `exc_type` with HTTP `status`; returns it."""
    try:
        result = call(sdk, method, **kwargs)
    except exc_type as exc:
        eq(exc.status_code, status, f"{last_call[0]}: {exc_type.__name__}.status_code")
        return exc
    except models.OrqError as exc:
        detail = f": {exc.message}" if isinstance(exc, models.ResponseValidationError) else ""
        raise AssertionError(
            f"{last_call[0]}: expected {exc_type.__name__} (HTTP {status}), got {type(exc).__name__}"
            f"{detail} (HTTP {exc.status_code}) with body {exc.body!r}") from exc
    raise AssertionError(
        f"{last_call[0]}: expected {exc_type.__name__} (HTTP {status}), but the call returned {result!r}")


def error_body(exc, code):
    """The JSON body of an error, which must carry `message` and the gRPC `code`."""
    try:
        body = json.loads(exc.body)
    except ValueError:
        raise AssertionError(f"error body is not JSON: {exc.body!r}") from None
    ok(isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"],
       f"error body should have a non-empty 'message', got {exc.body!r}")
    eq(body.get("code"), code, f"'code' of the error body {exc.body!r}")
    return body


def unwrap(result):
    """The identity in a create/retrieve/update result: flat in v1; in current wrapped as
    {"identity": ...}, and for create also inside CreateIdentityResponse1(result, headers)."""
    if V1:
        return result
    return getattr(result, "result", result).identity


def create(sdk=client, **fields):
    if V1:
        return unwrap(call(sdk, "identities.create", request=fields))
    return unwrap(call(sdk, "identities.create", **fields))


def retrieve(id, sdk=client, **kwargs):
    return unwrap(call(sdk, "identities.retrieve", id=id, **kwargs))


def update(id, **fields):
    return unwrap(call(client, "identities.update", id=id, **fields))


def list_page(sdk=client, **kwargs):
    page = call(sdk, "identities.list", **kwargs)
    eq(page.object, "list", f"{last_call[0]}: object")
    ok(isinstance(page.has_more, bool), f"{last_call[0]}: has_more should be a bool, got {page.has_more!r}")
    return page


def ids(sdk=client, **kwargs):
    return [identity.id for identity in list_page(sdk, **kwargs).data]


def everything(sdk=client, **kwargs):
    page = list_page(sdk, limit=50, **kwargs)
    ok(not page.has_more, f"{last_call[0]}: more than 50 identities (has_more is true)")
    return page.data


def tags_filter(tags):
    """The list argument that filters by tags: 4.17.13 has `filter_by_tags`; 4.9.3 has `filter_by`
    (which it sends as `tags=<Python list repr>`; the server parses that)."""
    return {"filter_by": {"tags": tags}} if V1 else {"filter_by_tags": tags}


def timestamp(value, what):
    """`created`/`updated` as a datetime: an ISO string with milliseconds and Z in current, a
    datetime parsed by the SDK in v1."""
    if V1:
        ok(isinstance(value, datetime) and value.tzinfo is not None,
           f"{what} should be an aware datetime, got {value!r}")
        return value
    ok(isinstance(value, str) and ISO_MILLIS_RE.match(value),
       f"{what} should be an ISO timestamp like 2026-01-15T04:13:15.986Z, got {value!r}")
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def profile(identity):
    """The fields both revisions return on every single-object call, as a tuple."""
    return (identity.id, identity.external_id, identity.display_name, identity.email, identity.avatar_url,
            identity.tags, identity.metadata, identity.created, identity.updated)


def metrics_of(identity, what):
    m = identity.metrics
    ok(m is not None, f"{what}: metrics missing")
    values = {name: getattr(m, name, None) for name in ZERO_METRICS}
    for name, value in values.items():
        ok(isinstance(value, (int, float)) and not isinstance(value, bool),
           f"{what}: metrics.{name} should be a number, got {value!r}")
    return values


# ---------------------------------------------------------------- checks


def sdk_version():
    if EXPECTED_VERSION:
        eq(SDK_VERSION, EXPECTED_VERSION, "installed orq-ai-sdk version")
    ok("identities" in dir(client), "the SDK has no client.identities")


def create_every_field():
    fields = dict(
        external_id=f"sdk-{SUFFIX}-a",
        display_name=f"SDK Alpha {SUFFIX}",
        email=f"alpha.{SUFFIX}@sdk-test.example",
        avatar_url="https://example.com/avatars/alpha.png",
        tags=[TAG, "enterprise"],
        metadata={"plan": "pro", "seats": 5, "ratio": 0.5, "nested": {"ok": True, "list": [1, "two", None]}},
    )
    if V1:
        a = create(**fields)
    else:
        result = call(client, "identities.create", **fields)
        a = unwrap(result)
        eq(result.headers.get("location"), [f"/v2/identities/{a.id}"], "the Location header of the 201")
    ok(ULID_RE.match(a.id), f"_id should be a 26-character ULID, got {a.id!r}")
    for name, value in fields.items():
        eq(getattr(a, name), value, name)
    ok(type(a.metadata["seats"]) is int, f"metadata.seats should stay the int 5, got {a.metadata['seats']!r}")
    ok(UUID_RE.match(a.workspace_id), f"workspace_id should be a UUID, got {a.workspace_id!r}")
    created = timestamp(a.created, "created")
    eq(a.updated, a.created, "updated of a new identity")
    ok(abs((datetime.now(timezone.utc) - created).total_seconds()) < 300,
       f"created should be about now, got {a.created!r}")
    if not V1:
        eq((a.metrics, a.budget), (None, None), "(metrics, budget) without include_metrics/include_budget")
    state["ws"] = a.workspace_id
    state["a"] = a


def create_more():
    b = create(external_id=f"sdk-{SUFFIX}-b", display_name=f"SDK Beta {SUFFIX}", tags=[TAG])
    eq((b.external_id, b.display_name, b.tags), (f"sdk-{SUFFIX}-b", f"SDK Beta {SUFFIX}", [TAG]),
       "B (external_id, display_name, tags)")
    c = create(external_id=f"sdk-{SUFFIX}-c")
    eq((c.display_name, c.email, c.avatar_url, c.tags, c.metadata), (None, None, None, [], {}),
       "C (display_name, email, avatar_url, tags, metadata) when only external_id is sent")
    eq(c.workspace_id, state["ws"], "workspace_id (same key, same workspace)")
    pages = [create(external_id=f"sdk-{SUFFIX}-p{i}", display_name=f"Page filler {i}") for i in range(1, 6)]
    created = [state["a"], b, c, *pages]
    eq(len({x.id for x in created}), len(created), "every created _id is different")
    state["b"], state["c"], state["pages"] = b, c, pages
    # Newest first: the identities created here, then the fixtures.
    state["all"] = [x.id for x in reversed(created)] + FIXTURE_IDS


def workspace_starts_from_fixtures():
    data = everything()
    eq([x.id for x in data], state["all"], "list(limit=50) ids: what was created, newest first, then the fixtures")
    ada = data[-1]
    eq((ada.external_id, ada.display_name, ada.email, ada.avatar_url, ada.tags),
       ("customer_12345", "Ada Lovelace", "ada@example.com", "https://example.com/avatars/ada.png",
        ["enterprise", "premium"]), "fixture customer_12345")
    eq(ada.metadata, {"department": "Engineering", "role": "Senior Developer", "subscription_tier": "premium"},
       "fixture customer_12345 metadata")
    eq(timestamp(ada.created, "created"), datetime(2026, 1, 15, 4, 13, 15, 986000, tzinfo=timezone.utc),
       "fixture customer_12345 created")
    if V1:
        # v1 documents `metrics` on every list item, asked for or not; 4.9.3 requires it.
        eq(metrics_of(ada, "customer_12345 (include_metrics not sent)"), ADA_METRICS, "metrics")
    else:
        eq({x.workspace_id for x in data}, {state["ws"]}, "workspace_id of every list item")
        eq([x.metrics for x in data], [None] * len(data), "metrics without include_metrics")
    # No arguments: current sends none (the server's default limit is 10); 4.9.3 sends limit=10.
    page = list_page()
    eq([x.id for x in page.data], state["all"][:10], "list() ids (default limit 10)")
    eq(page.has_more, True, "list() has_more with 12 identities")


def duplicate_create():
    for external_id in (state["a"].external_id, "customer_12345"):
        if V1:
            err = expect_error(FALLBACK, 409, client, "identities.create",
                               request={"external_id": external_id, "display_name": "duplicate"})
        else:
            err = expect_error(FALLBACK, 409, client, "identities.create",
                               external_id=external_id, display_name="duplicate")
        body = error_body(err, 6)
        ok(external_id in body["message"], f"the 409 message should name {external_id!r}: {body['message']!r}")
    eq([x.id for x in everything()], state["all"], "list after the refused creates")


def retrieve_by_id_and_external_id():
    a = state["a"]
    by_id = retrieve(a.id)
    eq(profile(by_id), profile(a), "retrieve(id=<_id>) vs the created identity")
    by_external_id = retrieve(a.external_id)
    eq(profile(by_external_id), profile(a), "retrieve(id=<external_id>) vs the created identity")
    if not V1:
        eq((by_id.workspace_id, by_id.metrics, by_id.budget), (state["ws"], None, None),
           "(workspace_id, metrics, budget)")
    eq(retrieve("customer_12345").id, ADA_ID, "retrieve(id='customer_12345')._id")


def retrieve_metrics_and_budget():
    ada = retrieve("customer_12345", include_metrics=True)
    eq(metrics_of(ada, "retrieve(customer_12345, include_metrics=True)"), ADA_METRICS, "metrics")
    a = retrieve(state["a"].id, include_metrics=True)
    eq(metrics_of(a, "retrieve(<new identity>, include_metrics=True)"), ZERO_METRICS, "metrics of a new identity")
    if V1:
        return  # v1 has no budgets
    with_budget = retrieve(ADA_ID, include_budget=True)
    budget = with_budget.budget
    ok(budget is not None, "retrieve(include_budget=True): budget missing")
    eq((budget.budget_id, budget.limits.period, budget.limits.amount, budget.limits.token_limit, budget.is_active),
       ("01JJ1HF0000000000000000BUD", "BUDGET_PERIOD_MONTHLY", 100, 1000000, True),
       "budget (budget_id, limits.period, limits.amount, limits.token_limit, is_active)")
    eq(budget.scope.identity.identity_external_id, "customer_12345", "budget.scope.identity.identity_external_id")
    eq(with_budget.metrics, None, "metrics with include_budget only")
    eq(retrieve(GRACE_ID, include_budget=True).budget, None, "budget of an identity that has none")
    budgets = {x.id: x.budget for x in everything(include_budget=True)}
    eq(budgets[ADA_ID].budget_id if budgets[ADA_ID] else None, "01JJ1HF0000000000000000BUD",
       "list(include_budget=True): budget of customer_12345")
    eq([i for i, b in budgets.items() if b is not None], [ADA_ID], "list(include_budget=True): identities with a budget")


def list_search():
    a, b = state["a"], state["b"]
    eq(ids(search=SUFFIX.upper()), [b.id, a.id], f"list(search={SUFFIX.upper()!r}) (display names, any case)")
    eq(ids(search="SDK-TEST.example"), [a.id], "list(search='SDK-TEST.example') (email)")
    eq(ids(search="lovelace"), [ADA_ID], "list(search='lovelace')")
    eq(ids(search="@example.com"), [BILLING_ID, GRACE_ID, ADA_ID], "list(search='@example.com')")
    eq(ids(search=f"nobody-{SUFFIX}"), [], "list(search=<no match>)")
    err = expect_error(FALLBACK, 400, client, "identities.list", search="a")
    error_body(err, 3)


def list_tag_filter():
    a, b = state["a"], state["b"]
    for tags, expected in [
        ([TAG], [b.id, a.id]),
        ([TAG, "enterprise"], [a.id]),        # every tag must match
        (["enterprise"], [a.id, ADA_ID]),
        (["premium"], [GRACE_ID, ADA_ID]),
        (["premium", "enterprise"], [ADA_ID]),
        (["beta-user"], [TURING_ID, GRACE_ID]),
        (["premium", "no-such-tag"], []),
    ]:
        eq(ids(**tags_filter(tags)), expected, f"list({tags_filter(tags)})")
    eq(ids(search="grace", **tags_filter(["premium"])), [GRACE_ID], "search and tag filter together")


def list_include_metrics():
    data = everything(include_metrics=True)
    eq([x.id for x in data], state["all"], "list(include_metrics=True) ids")
    got = {x.id: metrics_of(x, f"list(include_metrics=True) item {x.external_id}") for x in data}
    eq(got[ADA_ID], ADA_METRICS, "customer_12345 metrics")
    eq(got[GRACE_ID], GRACE_METRICS, "customer_23456 metrics")
    for identity_id in state["all"][:8] + [TURING_ID, BILLING_ID]:
        eq(got[identity_id], ZERO_METRICS, f"metrics of {identity_id} (none recorded)")


def list_cursors():
    everyone = state["all"]
    limit = 5
    pages, page = [], list_page(limit=limit)
    while True:
        pages.append(page)
        ok(len(pages) <= 10, "starting_after paging does not end (has_more stays true)")
        if not page.has_more:
            break
        ok(page.data, f"{last_call[0]}: has_more is true on an empty page")
        page = list_page(limit=limit, starting_after=page.data[-1].id)
    seen = [x.id for p in pages for x in p.data]
    eq(len(set(seen)), len(seen), f"each identity seen once walking forward (seen: {seen})")
    eq(len(seen), len(everyone), "identities seen walking forward vs list(limit=50)")
    eq(seen, everyone, "order walking forward vs list(limit=50)")
    eq([len(p.data) for p in pages], [5, 5, 2], "page sizes with limit=5")
    eq([p.has_more for p in pages], [True, True, False], "has_more of each page")
    # One page back from the last page: the page before it, with more before that.
    back = list_page(limit=limit, ending_before=pages[-1].data[0].id)
    eq([x.id for x in back.data], [x.id for x in pages[-2].data], "list(ending_before=<first id of the last page>)")
    eq(back.has_more, True, "has_more of that page (the first page is still before it)")
    first = list_page(limit=limit, ending_before=pages[1].data[0].id)
    eq([x.id for x in first.data], [x.id for x in pages[0].data], "list(ending_before=<first id of page 2>)")
    eq(first.has_more, False, "has_more going back to the first page")
    empty = list_page(limit=limit, ending_before=everyone[0])
    eq(([x.id for x in empty.data], empty.has_more), ([], False), "list(ending_before=<newest>)")
    eq(ids(limit=2, starting_after=everyone[-3]), everyone[-2:], "list(limit=2, starting_after=<third oldest>)")


def list_limit_out_of_range():
    for limit in (0, 51):
        err = expect_error(FALLBACK, 400, client, "identities.list", limit=limit)
        ok("limit" in error_body(err, 3)["message"], f"the 400 for limit={limit} should name 'limit': {err.body!r}")


def list_sort_by_display_name():
    data = everything(sort_by="IDENTITY_SORT_FIELD_DISPLAY_NAME")
    names = [x.display_name for x in data]
    named = [n for n in names if n is not None]
    eq(named, sorted(named, key=str.lower), "display names with sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME")
    eq(names[len(named):], [None], "identities without a display name come last")
    eq(len(data), len(state["all"]), "count with sort_by")


def update_fields():
    a = state["a"]
    changes = dict(display_name=f"SDK Alpha renamed {SUFFIX}", tags=[], metadata={"plan": "enterprise"})
    # Clearing email: 4.17.13 documents an empty string; in v1 the field is nullable.
    changes["email"] = None if V1 else ""
    got = update(a.id, **changes)
    eq((got.id, got.external_id, got.created), (a.id, a.external_id, a.created), "(_id, external_id, created)")
    eq(got.display_name, changes["display_name"], "display_name")
    eq(got.tags, [], "tags after update(tags=[])")
    eq(got.metadata, {"plan": "enterprise"}, "metadata (replaced, not merged)")
    eq(got.email, None, f"email after update(email={changes['email']!r})")
    eq(got.avatar_url, a.avatar_url, "avatar_url (not sent, kept)")
    ok(timestamp(got.updated, "updated") >= timestamp(a.updated, "updated"), "updated should not go back")
    eq(profile(retrieve(a.external_id)), profile(got), "retrieve(<external_id>) after the update")
    state["a"] = got
    # Fields that are not sent are kept; the id may be the external_id.
    b = state["b"]
    got_b = update(b.external_id, display_name=f"SDK Beta renamed {SUFFIX}")
    eq((got_b.id, got_b.display_name, got_b.tags), (b.id, f"SDK Beta renamed {SUFFIX}", [TAG]),
       "B after update(id=<external_id>, display_name=...)")
    state["b"] = got_b
    eq(ids(**tags_filter([TAG])), [b.id], "tag filter after A's tags were cleared")
    eq(ids(search="alpha renamed"), [a.id], "search for the new display name")
    if not V1:
        eq(ids(limit=2, sort_by="IDENTITY_SORT_FIELD_UPDATED"), [b.id, a.id], "most recently updated first")


def other_api_key():
    a = state["a"]
    eq(ids(other, limit=50), FIXTURE_IDS, "another API key lists only its own fixtures")
    for key in (a.id, a.external_id):
        err = expect_error(RETRIEVE_404, 404, other, "identities.retrieve", id=key)
        eq(err.data.error if V1 else err.data.message, NOT_FOUND_TEXT, "404 text")
    # The same external_id is free in another workspace.
    mine = create(other, external_id=a.external_id, display_name="Other workspace")
    ok(mine.id != a.id, "an identity created with another key should get its own _id")
    ok(mine.workspace_id != state["ws"], f"another key should be another workspace, got {mine.workspace_id!r} twice")
    call(other, "identities.delete", id=mine.id)
    eq(profile(retrieve(a.id)), profile(a), "the first key's identity after the other key used its external_id")


def unauthorized():
    err = expect_error(UNAUTHORIZED, 401, anonymous, "identities.list")
    body = error_body(err, 16)
    if not V1:
        eq(err.data.message, body["message"], "ErrorResponse.data.message")


def contacts_upsert():
    # Run only for the v1 SDK, whose pin (4.9.3) has client.contacts: an SDK without it cannot
    # run this check, and that is a failure, not a pass.
    ok(hasattr(client, "contacts") and hasattr(client.contacts, "create"),
       f"orq-ai-sdk {SDK_VERSION} has no client.contacts.create: the v1 scenario needs an SDK that has it "
       "(4.9.3 and older; it was removed in 4.9.19/4.10.0)")
    b = state["b"]
    n = len(everything())
    got = call(client, "contacts.create", external_id=b.external_id, display_name=f"SDK Beta contact {SUFFIX}")
    eq((got.id, got.external_id, got.display_name, got.tags), (b.id, b.external_id, f"SDK Beta contact {SUFFIX}", [TAG]),
       "contacts.create of an existing external_id updates it (tags not sent, kept)")
    eq(retrieve(b.id).display_name, f"SDK Beta contact {SUFFIX}", "display_name read back with identities.retrieve")
    eq(len(everything()), n, "count after upserting an existing external_id")
    new = call(client, "contacts.create", external_id=f"sdk-{SUFFIX}-contact", email=f"contact.{SUFFIX}@sdk-test.example",
               tags=[TAG], metadata={"source": "contacts"})
    ok(ULID_RE.match(new.id), f"_id should be a ULID, got {new.id!r}")
    eq((new.external_id, new.email, new.tags, new.metadata),
       (f"sdk-{SUFFIX}-contact", f"contact.{SUFFIX}@sdk-test.example", [TAG], {"source": "contacts"}),
       "contacts.create of a new external_id")
    eq(profile(retrieve(new.external_id)), profile(new), "identities.retrieve of the new contact")
    eq(len(everything()), n + 1, "count after upserting a new external_id")
    state["contact"] = new


def delete_then_not_found():
    a, b = state["a"], state["b"]
    result = call(client, "identities.delete", id=a.id)
    if V1:
        eq(result, None, "delete() return value (204)")
    else:
        ok(isinstance(result, models.DeleteIdentityResponse), f"delete() should return DeleteIdentityResponse, got {result!r}")
    for key in (a.id, a.external_id):
        err = expect_error(RETRIEVE_404, 404, client, "identities.retrieve", id=key)
        if V1:
            eq(err.data.error, NOT_FOUND_TEXT, f"{RETRIEVE_404.__name__}.data.error")
        else:
            eq((err.data.message, err.data.code), (NOT_FOUND_TEXT, 5), "ErrorResponse.data (message, code)")
    err = expect_error(DELETE_404, 404, client, "identities.delete", id=a.id)
    error_body(err, 5)
    if V1:
        eq(err.data.error, NOT_FOUND_TEXT, f"{DELETE_404.__name__}.data.error")
    err = expect_error(UPDATE_404, 404, client, "identities.update", id=a.id, display_name="gone")
    error_body(err, 5)
    if V1:
        eq(err.data.message, NOT_FOUND_TEXT, f"{UPDATE_404.__name__}.data.message")
    call(client, "identities.delete", id=b.external_id)  # by external_id
    expect_error(RETRIEVE_404, 404, client, "identities.retrieve", id=b.id)
    remaining = [x.id for x in everything()]
    ok(a.id not in remaining and b.id not in remaining, f"list() still has a deleted identity: {remaining}")
    eq(len(remaining), len(state["all"]) - 2 + ("contact" in state), "count after two deletes")


def clean_up():
    for identity in [state["c"], *state["pages"], state.get("contact")]:
        if identity is not None:
            call(client, "identities.delete", id=identity.id)
    eq([x.id for x in everything()], FIXTURE_IDS, "list at the end: the fixtures only")


check(f"orq-ai-sdk version ({MODE})", sdk_version)
check("identities.create with every field", create_every_field)
check("identities.create (seven more)", create_more)
check("identities.list: a new API key starts from the fixtures", workspace_starts_from_fixtures)
check("identities.create of a taken external_id: 409", duplicate_create)
check("identities.retrieve by _id and by external_id", retrieve_by_id_and_external_id)
check("identities.retrieve(include_metrics=, include_budget=)", retrieve_metrics_and_budget)
check("identities.list(search=...)", list_search)
check("identities.list with a tag filter", list_tag_filter)
check("identities.list(include_metrics=True)", list_include_metrics)
check("identities.list(starting_after=/ending_before=) pages", list_cursors)
check("identities.list(limit=0 / 51): 400", list_limit_out_of_range)
if not V1:  # sort_by is new in the current contract
    check("identities.list(sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME)", list_sort_by_display_name)
check("identities.update", update_fields)
check("a second API key is another workspace", other_api_key)
check("no API key: 401", unauthorized)
if V1:  # /v2/contacts is v1 only (removed from the SDK in 4.9.19/4.10.0)
    check("contacts.create (upsert)", contacts_upsert)
check("identities.delete, then retrieve: 404", delete_then_not_found)
check("clean up", clean_up)
print(f"{checks_run} checks passed [{LABEL}]")
