#!/usr/bin/env python3
"""SDK conformance scenario: the official Python SDK `letta-client` against identity-mock.

Uses the SDK the way a user would (`from letta_client import Letta`) and checks what every
`client.identities` call returns. Expected behaviour is the real Letta 0.16.8 server's, as
recorded in shared/reference/letta/NOTES.md (sections 4 and 7).

Environment (set by tests/sdk/run.sh):
  IDENTITY_MOCK_BASE_URL  the server, e.g. http://127.0.0.1:41645 (required)
  IDENTITY_MOCK_MODE      "default" (upstream bugs reproduced) or "fix-upstream-bugs"
  LETTA_CLIENT_PY         the pinned SDK version; checked against the installed one

The server must serve the bundled fixtures (fixtures/letta.json). Everything else the scenario
creates uses keys with a random suffix and is deleted again at the end.

On the first failing check it prints which check and which SDK call failed, and why, and exits 1.
"""

import os
import re
import sys
import uuid

from sdk_checks import Checks, eq, ok  # this folder is on sys.path

import letta_client
from letta_client import (
    APIStatusError,
    ConflictError,
    InternalServerError,
    Letta,
    NotFoundError,
    UnprocessableEntityError,
)

BASE_URL = os.environ["IDENTITY_MOCK_BASE_URL"]
MODE = os.environ.get("IDENTITY_MOCK_MODE", "default")
if MODE not in ("default", "fix-upstream-bugs"):
    sys.exit(f"IDENTITY_MOCK_MODE must be 'default' or 'fix-upstream-bugs', not {MODE!r}")

# The fixture identity linked to one agent and one block (fixtures/letta.json).
ALICE_ID = "identity-5f0c2a9e-3b1d-4c7a-9e2f-6a8b0c1d2e3f"
ALICE_AGENT_ID = "agent-0b1e6f2a-5c3d-4e8f-9a7b-1c2d3e4f5a6b"
ALICE_BLOCK_ID = "block-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
# Well-formed ids that exist nowhere.
MISSING_IDENTITY_ID = "identity-123e4567-e89b-42d3-8456-426614174000"
MISSING_AGENT_ID = "agent-123e4567-e89b-42d3-8456-426614174000"
MISSING_BLOCK_ID = "block-123e4567-e89b-42d3-8456-426614174000"
IDENTITY_ID_RE = re.compile(r"^identity-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
NOT_FOUND_PREFIX = "Identity not found with id="
CONFLICT_PREFIX = "A unique constraint was violated for Identity. Check your input for duplicates: "

client = Letta(base_url=BASE_URL, api_key="sdk-conformance-dummy-key")
# The SDK retries 408, 409, 429 and every 5xx by default (DEFAULT_MAX_RETRIES=2, with a 0.5-8 s
# backoff), so a 409 or 500 would be sent three times and slow the run down. Calls that are
# expected to fail with one of those use this client, which sends each request exactly once.
no_retry = client.with_options(max_retries=0)

SUFFIX = uuid.uuid4().hex[:8]
PROJECT = f"sdk-proj-{SUFFIX}"
KEY_A, KEY_B, KEY_C = (f"sdk-{SUFFIX}-{x}" for x in "abc")
state = {}  # values shared between checks


# ---------------------------------------------------------------- helpers


check = Checks(MODE, __file__, {"eq", "ok", "expect_error", "detail"}, APIStatusError)


def expect_error(exc_type, status, call):
    """Calls `call`, which must raise the SDK's `exc_type` with HTTP `status`; returns the error."""
    try:
        result = call()
    except exc_type as exc:
        eq(exc.status_code, status, f"{exc_type.__name__}.status_code")
        return exc
    except APIStatusError as exc:
        raise AssertionError(
            f"expected {exc_type.__name__} (HTTP {status}), got {type(exc).__name__} "
            f"(HTTP {exc.status_code}) with body {exc.body!r}") from exc
    raise AssertionError(f"expected {exc_type.__name__} (HTTP {status}), but the call returned {result!r}")


def detail(exc):
    ok(isinstance(exc.body, dict), f"error body should be a JSON object, got {exc.body!r}")
    return exc.body.get("detail")


def count():
    # The SDK has no method for /count; this is the raw call the SDK offers for such routes.
    return client.get("/v1/identities/count", cast_to=int)


def ids(page):
    """The ids on one page (iterating the page object itself would fetch the following pages too)."""
    return [item.id for item in (page.items if hasattr(page, "items") else page)]


def props(identity):
    """Properties as (key, type, value) triples."""
    return [(p.key, p.type, p.value) for p in identity.properties or []]


def everything(order="desc"):
    """All identities in one page (the scenario's server holds far fewer than 1000)."""
    return client.identities.list(order=order, limit=1000).items


# ---------------------------------------------------------------- checks


def sdk_version():
    expected = os.environ.get("LETTA_CLIENT_PY")
    if expected:
        eq(letta_client.__version__, expected, "installed letta_client.__version__")


def count_before():
    n = count()
    ok(type(n) is int and n >= 1, f"/v1/identities/count should be a positive int, got {n!r}")
    state["n0"] = n


def create_all_property_types():
    a = client.identities.create(
        identifier_key=KEY_A,
        identity_type="user",
        name=f"SDK Alpha {SUFFIX}",
        project_id=PROJECT,
        properties=[
            {"key": "email", "value": "alpha@example.com", "type": "string"},
            {"key": "score", "value": 1.5, "type": "number"},
            {"key": "visits", "value": 3, "type": "number"},
            {"key": "active", "value": True, "type": "boolean"},
            {"key": "prefs", "value": {"theme": "dark", "langs": ["en", "de"]}, "type": "json"},
        ],
    )
    ok(IDENTITY_ID_RE.match(a.id), f"id should be identity-<uuid4>, got {a.id!r}")
    eq(a.identifier_key, KEY_A, "identifier_key")
    eq(a.name, f"SDK Alpha {SUFFIX}", "name")
    eq(a.identity_type, "user", "identity_type")
    eq(a.project_id, PROJECT, "project_id")
    eq(a.agent_ids, [], "agent_ids")
    eq(a.block_ids, [], "block_ids")
    eq([p.key for p in a.properties], ["email", "score", "visits", "active", "prefs"], "property keys")
    eq([p.type for p in a.properties], ["string", "number", "number", "boolean", "json"], "property types")
    values = [p.value for p in a.properties]
    eq(values[0], "alpha@example.com", "string value")
    ok(type(values[1]) is float and values[1] == 1.5, f"1.5 should come back as float 1.5, got {values[1]!r}")
    # IdentityProperty.value is Union[str, float, bool, dict] in the SDK, so a wire 3 is a float 3.0.
    ok(type(values[2]) is float and values[2] == 3, f"3 should come back as 3.0, got {values[2]!r}")
    ok(values[3] is True, f"True should come back as the bool True, got {values[3]!r}")
    eq(values[4], {"theme": "dark", "langs": ["en", "de"]}, "json value")
    # organization_id is not in the SDK's Identity type; the SDK keeps it as an extra attribute.
    org = getattr(a, "organization_id", None)
    ok(isinstance(org, str) and org.startswith("org-"), f"organization_id should be org-..., got {org!r}")
    state["a"] = a


def create_more():
    state["b"] = client.identities.create(identifier_key=KEY_B, identity_type="org", name=f"SDK Beta {SUFFIX}")
    state["c"] = client.identities.create(
        identifier_key=KEY_C, identity_type="other", name=f"sdk gamma {SUFFIX}", project_id=PROJECT)
    eq(state["b"].project_id, None, "B project_id")
    eq(state["b"].properties, [], "B properties (none given)")
    eq(state["c"].identity_type, "other", "C identity_type")


def count_after_create():
    eq(count(), state["n0"] + 3, "count after three creates")


def retrieve():
    a = state["a"]
    got = client.identities.retrieve(a.id)
    eq(got.model_dump(), a.model_dump(), "retrieve(id) vs the created identity")
    eq(got.organization_id, a.organization_id, "organization_id")


def retrieve_fixture():
    alice = client.identities.retrieve(ALICE_ID)
    eq(alice.identifier_key, "user-alice", "fixture identifier_key")
    # The real server always answers agent_ids/block_ids [] even when agents/blocks are linked.
    eq((alice.agent_ids, alice.block_ids), ([], []), "fixture (agent_ids, block_ids)")


def list_by_name():
    a, b, c = state["a"], state["b"], state["c"]
    # name is a case-insensitive substring match; newest first.
    eq(ids(client.identities.list(name=SUFFIX.upper())), [c.id, b.id, a.id], f"list(name={SUFFIX.upper()!r})")
    eq(ids(client.identities.list(name=f"beta {SUFFIX}")), [b.id], "list(name='beta ...')")
    eq(ids(client.identities.list(name=f"nobody-{SUFFIX}")), [], "list(name=<no match>)")


def list_by_identifier_key():
    eq(ids(client.identities.list(identifier_key=KEY_A)), [state["a"].id], f"list(identifier_key={KEY_A!r})")
    eq(ids(client.identities.list(identifier_key="user-alice")), [ALICE_ID], "list(identifier_key='user-alice')")


def list_by_identity_type():
    orgs = client.identities.list(identity_type="org").items
    ok(orgs, "list(identity_type='org') is empty")
    eq({i.identity_type for i in orgs}, {"org"}, "identity_type of every item")
    ok(state["b"].id in ids(orgs), "list(identity_type='org') lacks the org created here")
    ok(state["a"].id not in ids(orgs), "list(identity_type='org') has a user")


def list_by_project_id():
    eq(ids(client.identities.list(project_id=PROJECT)), [state["c"].id, state["a"].id], f"list(project_id={PROJECT!r})")


def list_auto_pagination():
    first = client.identities.list(limit=2)
    sizes = [len(page.items) for page in first.iter_pages()]
    seen = [identity.id for identity in first]  # iterating the page object fetches every following page
    total = count()
    eq(len(seen), total, "identities seen by auto-pagination vs /v1/identities/count")
    eq(len(set(seen)), len(seen), f"each identity seen once (seen: {seen})")
    eq(seen, ids(everything()), "auto-paginated order vs one big page")
    # The SDK asks for after=<last id> until a page is empty, so the last page must be [].
    eq(sizes, [2] * (total // 2) + [1] * (total % 2) + [0], "page sizes with limit=2")


def list_order_asc():
    desc, asc = ids(everything()), ids(everything("asc"))
    eq(asc, desc[::-1], "list(order='asc') vs list() reversed")
    eq(desc[0], state["c"].id, "newest first in the default order")
    state["desc"], state["asc"] = desc, asc


def list_after_before():
    desc, asc = state["desc"], state["asc"]
    L = client.identities.list
    eq(ids(L(after=desc[0], limit=2)), desc[1:3], "list(after=desc[0], limit=2)")
    eq(ids(L(order="asc", after=asc[1], limit=2)), asc[2:4], "list(order='asc', after=asc[1], limit=2)")
    eq(ids(L(before=desc[3])), desc[0:3], "list(before=desc[3])")
    eq(ids(L(order="asc", before=asc[3])), asc[0:3], "list(order='asc', before=asc[3])")
    eq(ids(L(order="asc", after=asc[0], before=asc[3])), asc[1:3], "list(order='asc', after=asc[0], before=asc[3])")
    eq(ids(L(after=desc[-1])), [], "list(after=<oldest>)")
    # A page requested with `before` pages backwards: the SDK follows before=<first id>.
    backwards = [identity.id for identity in L(order="asc", before=asc[-1])]
    eq(backwards, asc[:-1], "auto-pagination of list(order='asc', before=<newest>)")


def update_name():
    a = state["a"]
    got = client.identities.update(a.id, name=f"SDK Alpha renamed {SUFFIX}")
    eq(got.name, f"SDK Alpha renamed {SUFFIX}", "name")
    eq((got.id, got.identifier_key, got.identity_type, got.project_id), (a.id, a.identifier_key, "user", PROJECT),
       "(id, identifier_key, identity_type, project_id)")
    eq(props(got), props(a), "properties (untouched by a name update)")


def update_merges_properties():
    a = state["a"]
    got = client.identities.update(a.id, properties=[
        {"key": "score", "value": 2.5, "type": "number"},
        {"key": "tier", "value": "gold", "type": "string"},
    ])
    # Existing keys keep their place and take the new value; new keys are appended; none removed.
    eq(props(got), [
        ("email", "string", "alpha@example.com"),
        ("score", "number", 2.5),
        ("visits", "number", 3.0),
        ("active", "boolean", True),
        ("prefs", "json", {"theme": "dark", "langs": ["en", "de"]}),
        ("tier", "string", "gold"),
    ], "properties after update (merge by key)")
    eq(props(client.identities.retrieve(a.id)), props(got), "properties read back with retrieve")
    eq(got.name, f"SDK Alpha renamed {SUFFIX}", "name (untouched by a properties update)")


def upsert_existing():
    a = state["a"]
    n = count()
    got = client.identities.upsert(
        identifier_key=KEY_A, project_id=PROJECT, name=f"SDK Alpha upserted {SUFFIX}", identity_type="org",
        properties=[{"key": "only", "value": "this", "type": "string"}])
    eq(got.id, a.id, "upsert of an existing key keeps the id")
    eq((got.name, got.identity_type, got.project_id), (f"SDK Alpha upserted {SUFFIX}", "org", PROJECT),
       "(name, identity_type, project_id)")
    eq(props(got), [("only", "string", "this")], "properties (replaced, not merged)")
    eq(count(), n, "count after upserting an existing key")


def properties_upsert():
    a = state["a"]
    body = [
        {"key": "s", "value": "x", "type": "string"},
        {"key": "n", "value": 7, "type": "number"},
        {"key": "f", "value": 0.25, "type": "number"},
        {"key": "b", "value": False, "type": "boolean"},
        {"key": "j", "value": {}, "type": "json"},
    ]
    got = client.identities.properties.upsert(a.id, body=body)
    # The SDK types this response as `object`: a plain dict, so JSON ints stay ints.
    ok(isinstance(got, dict), f"properties.upsert should return the identity as a dict, got {got!r}")
    eq(got.get("id"), a.id, "id")
    eq(got.get("identifier_key"), KEY_A, "identifier_key")
    eq(got.get("properties"), body, "properties (the whole list replaced)")
    eq(props(client.identities.retrieve(a.id)), [("s", "string", "x"), ("n", "number", 7.0), ("f", "number", 0.25),
                                                 ("b", "boolean", False), ("j", "json", {})], "properties read back")
    cleared = client.identities.properties.upsert(a.id, body=[])
    eq(cleared.get("properties"), [], "properties after properties.upsert(body=[])")


def agents_list():
    agents = client.identities.agents.list(ALICE_ID)
    eq(ids(agents), [ALICE_AGENT_ID], "agents.list(<fixture identity>) ids")
    agent = agents.items[0]
    ok(isinstance(agent.name, str) and agent.name, f"agent.name should be a non-empty str, got {agent.name!r}")
    eq(ids(client.identities.agents.list(state["b"].id)), [], "agents.list(<identity with no agents>)")


def blocks_list():
    blocks = client.identities.blocks.list(ALICE_ID)
    eq(ids(blocks), [ALICE_BLOCK_ID], "blocks.list(<fixture identity>) ids")
    ok(isinstance(blocks.items[0].value, str), f"block.value should be a str, got {blocks.items[0].value!r}")
    eq(ids(client.identities.blocks.list(state["b"].id)), [], "blocks.list(<identity with no blocks>)")


def not_found_missing_id():
    err = expect_error(NotFoundError, 404, lambda: client.identities.retrieve(MISSING_IDENTITY_ID))
    text = detail(err)
    ok(isinstance(text, str) and text.startswith(NOT_FOUND_PREFIX),
       f"detail should start with {NOT_FOUND_PREFIX!r}, got {text!r}")
    ok(text.startswith(f"Identity not found with id='['{MISSING_IDENTITY_ID}']', access level in ['read'] for actor='"),
       f"detail should be the long form naming the id, got {text!r}")
    for name, call in [
        ("update", lambda: client.identities.update(MISSING_IDENTITY_ID, name="z")),
        ("properties.upsert", lambda: client.identities.properties.upsert(MISSING_IDENTITY_ID, body=[])),
        ("agents.list", lambda: client.identities.agents.list(MISSING_IDENTITY_ID)),
        ("blocks.list", lambda: client.identities.blocks.list(MISSING_IDENTITY_ID)),
        ("delete", lambda: client.identities.delete(MISSING_IDENTITY_ID)),
    ]:
        err = expect_error(NotFoundError, 404, call)
        ok(str(detail(err)).startswith(NOT_FOUND_PREFIX), f"{name}: detail {detail(err)!r}")


def conflict_duplicate_create():
    # max_retries=0: see `no_retry` above (the SDK would send a 409 three times).
    err = expect_error(ConflictError, 409, lambda: no_retry.identities.create(
        identifier_key=KEY_A, project_id=PROJECT, identity_type="user", name="duplicate"))
    ok(str(detail(err)).startswith(CONFLICT_PREFIX), f"detail should start with {CONFLICT_PREFIX!r}, got {detail(err)!r}")
    # The fixture user-alice has no project: NULL project ids conflict too.
    expect_error(ConflictError, 409, lambda: no_retry.identities.create(
        identifier_key="user-alice", identity_type="user", name="duplicate"))


def unprocessable_identity_type():
    err = expect_error(UnprocessableEntityError, 422, lambda: client.identities.create(
        identifier_key=f"sdk-{SUFFIX}-robot", identity_type="robot", name="R"))
    text = detail(err)
    ok(isinstance(text, str), f"422 detail should be a string (repr of the errors), got {text!r}")
    ok("'type': 'enum'" in text and "('body', 'identity_type')" in text, f"detail {text!r}")
    eq(client.identities.list(identifier_key=f"sdk-{SUFFIX}-robot").items, [], "identities created by the 422")


def unprocessable_malformed_id():
    err = expect_error(UnprocessableEntityError, 422, lambda: client.identities.retrieve("abc"))
    text = detail(err)
    ok(isinstance(text, str) and "string_pattern_mismatch" in text,
       f"detail should be a string containing 'string_pattern_mismatch', got {text!r}")
    eq(err.body.get("examples"), ["identity-123e4567-e89b-42d3-8456-426614174000"], "examples")


def upsert_new_key():
    key = f"sdk-{SUFFIX}-new"
    call = lambda: client.identities.upsert(identifier_key=key, identity_type="user", name="Newcomer")  # noqa: E731
    n = count()
    if MODE == "default":
        # Upstream bug: the create branch of upsert is dead, a new key answers 404.
        err = expect_error(NotFoundError, 404, call)
        want = f"Identity not found with identifier_key='{key}', project_id='None', organization_id='"
        ok(str(detail(err)).startswith(want), f"detail should start with {want!r}, got {detail(err)!r}")
        eq(count(), n, "count after the failed upsert")
    else:
        got = call()
        ok(IDENTITY_ID_RE.match(got.id), f"id should be identity-<uuid4>, got {got.id!r}")
        eq((got.identifier_key, got.name, got.identity_type, got.project_id), (key, "Newcomer", "user", None),
           "(identifier_key, name, identity_type, project_id)")
        eq(client.identities.retrieve(got.id).model_dump(), got.model_dump(), "retrieve of the upserted identity")
        eq(count(), n + 1, "count after upserting a new key")
        state["upserted"] = got


def unknown_block_and_agent_ids():
    key = f"sdk-{SUFFIX}-dangling"
    # max_retries=0: see `no_retry` above (in default mode the SDK would send the 500 three times).
    create = lambda: no_retry.identities.create(  # noqa: E731
        identifier_key=key, identity_type="user", name="Dangling", block_ids=[MISSING_BLOCK_ID])
    update = lambda: no_retry.identities.update(state["b"].id, agent_ids=[MISSING_AGENT_ID])  # noqa: E731
    if MODE == "default":
        # Upstream bug: an uncaught sqlalchemy NoResultFound becomes a generic 500.
        for call in (create, update):
            err = expect_error(InternalServerError, 500, call)
            eq(err.body, {"detail": "An unknown error occurred"}, "500 body")
    else:
        for call in (create, update):
            err = expect_error(NotFoundError, 404, call)
            ok(isinstance(detail(err), str), f"404 detail should be a string, got {err.body!r}")
    eq(client.identities.list(identifier_key=key).items, [], "identities left behind by the failed create")


def delete():
    a = state["a"]
    n = count()
    eq(client.identities.delete(a.id), None, "delete(id) return value")
    err = expect_error(NotFoundError, 404, lambda: client.identities.retrieve(a.id))
    ok(str(detail(err)).startswith(NOT_FOUND_PREFIX), f"retrieve after delete: detail {detail(err)!r}")
    expect_error(NotFoundError, 404, lambda: client.identities.delete(a.id))
    eq(count(), n - 1, "count after delete")
    ok(a.id not in ids(everything()), "list() still has the deleted identity")


def clean_up():
    for key in ("b", "c", "upserted"):
        if key in state:
            eq(client.identities.delete(state[key].id), None, f"delete({key})")
    eq(count(), state["n0"], "count at the end vs at the start")


check("letta_client version", sdk_version)
check("client.get('/v1/identities/count', cast_to=int)", count_before)
check("identities.create with string/number/boolean/json properties", create_all_property_types)
check("identities.create (two more)", create_more)
check("count after create", count_after_create)
check("identities.retrieve", retrieve)
check("identities.retrieve of a fixture identity linked to an agent and a block", retrieve_fixture)
check("identities.list(name=...)", list_by_name)
check("identities.list(identifier_key=...)", list_by_identifier_key)
check("identities.list(identity_type=...)", list_by_identity_type)
check("identities.list(project_id=...)", list_by_project_id)
check("identities.list(limit=2) auto-pagination", list_auto_pagination)
check("identities.list(order='asc')", list_order_asc)
check("identities.list(before=/after=) pages", list_after_before)
check("identities.update(name=...)", update_name)
check("identities.update(properties=...) merges by key", update_merges_properties)
check("identities.upsert of an existing key", upsert_existing)
check("identities.properties.upsert", properties_upsert)
check("identities.agents.list", agents_list)
check("identities.blocks.list", blocks_list)
check("NotFoundError for a missing id", not_found_missing_id)
check("ConflictError for a duplicate create", conflict_duplicate_create)
check("UnprocessableEntityError for identity_type='robot'", unprocessable_identity_type)
check("UnprocessableEntityError for retrieve('abc')", unprocessable_malformed_id)
check(f"identities.upsert of a new key ({MODE})", upsert_new_key)
check(f"unknown block/agent id in create/update ({MODE})", unknown_block_and_agent_ids)
check("identities.delete, then retrieve", delete)
check("clean up", clean_up)
print(f"{check.passed} checks passed [{MODE}]")
