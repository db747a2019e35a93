#!/usr/bin/env python3
"""SDK conformance scenario: the newest official Python SDK `letta-client` against identity-mock's
`/v1/agents` and `/v1/blocks`, as far as identities reach them.

letta-client 1.12.1 has no `client.identities`: identities are created and listed with the client's
raw request methods (`client.post(...)`, `client.get(...)`), and linked to agents and blocks with
`client.agents.create(identity_ids=...)`, `client.agents.identities.attach/detach`,
`client.agents.update(identity_ids=...)` and, for blocks (the SDK has no method for it), raw
`PATCH /v1/blocks/{block_id}/identities/attach|detach/{identity_id}`. Expected behaviour is the
real Letta 0.16.8 server's: like it, the mock loads no relationships into an agent for a 1.x SDK
(which sends `X-Stainless-Package-Version`) unless `include=["agent.identities"]` asks for them.

Environment (set by tests/sdk/run.sh):
  IDENTITY_MOCK_BASE_URL   the server, e.g. http://127.0.0.1:41645 (required)
  IDENTITY_MOCK_MODE       "default" or "fix-upstream-bugs" (the routes used here answer alike)
  LETTA_CLIENT_CURRENT_PY  the pinned SDK version; checked against the installed one

The server must accept the model handle openai/gpt-4o-mini and the embedding handle
openai/text-embedding-3-small (identity-mock does, as a real server with an OpenAI key would).
Everything the scenario creates has a random suffix and is deleted again at the end.

On the first failing check it prints which check and which SDK call failed, and why, and exits 1.
"""

import os
import re
import sys
import uuid

from sdk_checks import Checks, eq, ok  # this folder is on sys.path

import letta_client
from letta_client import APIStatusError, Letta, NotFoundError

BASE_URL = os.environ["IDENTITY_MOCK_BASE_URL"]
MODE = os.environ.get("IDENTITY_MOCK_MODE", "default")
if MODE not in ("default", "fix-upstream-bugs"):
    sys.exit(f"IDENTITY_MOCK_MODE must be 'default' or 'fix-upstream-bugs', not {MODE!r}")

MODEL = "openai/gpt-4o-mini"
EMBEDDING = "openai/text-embedding-3-small"
UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
IDENTITY_ID_RE = re.compile(rf"^identity-{UUID4}$")
AGENT_ID_RE = re.compile(rf"^agent-{UUID4}$")
BLOCK_ID_RE = re.compile(rf"^block-{UUID4}$")
WITH_IDENTITIES = ["agent.identities"]

client = Letta(base_url=BASE_URL, api_key="sdk-conformance-dummy-key")

SUFFIX = uuid.uuid4().hex[:8]
KEY_1, KEY_2 = (f"sdk-{SUFFIX}-{x}" for x in ("first", "second"))
AGENT_NAME = f"sdk-agent-{SUFFIX}"
BLOCK_LABEL = f"sdk_notes_{SUFFIX}"
state = {}  # values shared between checks


# ---------------------------------------------------------------- helpers


HELPERS = {"eq", "ok", "expect_not_found", "detail", "ids", "create_identity", "identity_agents",
           "identity_blocks", "block_identities", "identity_ids_of"}
check = Checks(MODE, __file__, HELPERS, APIStatusError)


def expect_not_found(call):
    """Calls `call`, which must raise the SDK's NotFoundError (HTTP 404); returns the error."""
    try:
        result = call()
    except NotFoundError as exc:
        eq(exc.status_code, 404, "NotFoundError.status_code")
        return exc
    except APIStatusError as exc:
        raise AssertionError(
            f"expected NotFoundError (HTTP 404), got {type(exc).__name__} "
            f"(HTTP {exc.status_code}) with body {exc.body!r}") from exc
    raise AssertionError(f"expected NotFoundError (HTTP 404), but the call returned {result!r}")


def detail(exc):
    ok(isinstance(exc.body, dict), f"error body should be a JSON object, got {exc.body!r}")
    return exc.body.get("detail")


def ids(page):
    """The ids on one page of an SDK list, or of a raw JSON array of objects."""
    items = page.items if hasattr(page, "items") else page
    return [item["id"] if isinstance(item, dict) else item.id for item in items]


# The SDK has no methods for /v1/identities: these are the raw calls it offers for such routes.
def create_identity(key, name):
    return client.post("/v1/identities/", body={"identifier_key": key, "name": name, "identity_type": "user"},
                       cast_to=object)


def identity_agents(identity_id):
    return client.get(f"/v1/identities/{identity_id}/agents", cast_to=object)


def identity_blocks(identity_id):
    return client.get(f"/v1/identities/{identity_id}/blocks", cast_to=object)


def block_identities(action, block_id, identity_id):
    """The SDK has no blocks.identities: raw PATCH /v1/blocks/{block_id}/identities/<action>/{identity_id}."""
    return client.patch(f"/v1/blocks/{block_id}/identities/{action}/{identity_id}", cast_to=object)


def identity_ids_of(agent):
    """(identity_ids, ids of the embedded identities) of an AgentState."""
    return agent.identity_ids, [identity.id for identity in agent.identities or []]


# ---------------------------------------------------------------- checks


def sdk_version():
    expected = os.environ.get("LETTA_CLIENT_CURRENT_PY")
    if expected:
        eq(letta_client.__version__, expected, "installed letta_client.__version__")
    ok(not hasattr(client, "identities"), f"letta_client {letta_client.__version__} has client.identities")


def create_identities():
    first = create_identity(KEY_1, f"SDK First {SUFFIX}")
    second = create_identity(KEY_2, f"SDK Second {SUFFIX}")
    for got, key in ((first, KEY_1), (second, KEY_2)):
        ok(isinstance(got, dict), f"POST /v1/identities/ should answer a JSON object, got {got!r}")
        ok(IDENTITY_ID_RE.match(str(got.get("id"))), f"id should be identity-<uuid4>, got {got.get('id')!r}")
        eq((got.get("identifier_key"), got.get("agent_ids"), got.get("block_ids")), (key, [], []),
           "(identifier_key, agent_ids, block_ids)")
    ok(first["id"] != second["id"], "two identities with one id")
    state["i1"], state["i2"] = first["id"], second["id"]


def create_agent():
    i1 = state["i1"]
    agent = client.agents.create(name=AGENT_NAME, model=MODEL, embedding=EMBEDDING, identity_ids=[i1])
    ok(AGENT_ID_RE.match(agent.id), f"id should be agent-<uuid4>, got {agent.id!r}")
    eq(agent.name, AGENT_NAME, "name")
    eq((agent.model, agent.embedding), (MODEL, EMBEDDING), "(model, embedding)")
    eq((agent.llm_config.handle, agent.embedding_config.handle), (MODEL, EMBEDDING),
       "(llm_config.handle, embedding_config.handle)")
    # The create answer carries the relationships the request set: here identity_ids and identities.
    eq(identity_ids_of(agent), ([i1], [i1]), "(identity_ids, identities[].id) of the created agent")
    embedded = agent.identities[0]
    eq((embedded.identifier_key, embedded.agent_ids, embedded.block_ids), (KEY_1, [], []),
       "embedded identity (identifier_key, agent_ids, block_ids)")
    state["agent"] = agent.id


def create_block():
    block = client.blocks.create(label=BLOCK_LABEL, value=f"likes tea {SUFFIX}")
    ok(BLOCK_ID_RE.match(block.id), f"id should be block-<uuid4>, got {block.id!r}")
    eq((block.label, block.value), (BLOCK_LABEL, f"likes tea {SUFFIX}"), "(label, value)")
    eq(ids(client.blocks.list(identity_id=state["i1"])), [], "blocks.list(identity_id=first) before any attach")
    state["block"] = block.id


def attach_identity_to_agent():
    agent_id, i2 = state["agent"], state["i2"]
    eq(client.agents.identities.attach(i2, agent_id=agent_id), None, "agents.identities.attach return value (null)")
    # Attaching twice is a no-op.
    eq(client.agents.identities.attach(i2, agent_id=agent_id), None, "second agents.identities.attach")


def attach_identity_to_block():
    block_id, i2 = state["block"], state["i2"]
    got = block_identities("attach", block_id, i2)
    ok(isinstance(got, dict), f"block attach should answer the block, got {got!r}")
    eq((got.get("id"), got.get("label"), got.get("value")), (block_id, BLOCK_LABEL, f"likes tea {SUFFIX}"),
       "block attach answer (id, label, value)")


def agents_list_by_identity():
    agent_id, i1, i2 = state["agent"], state["i1"], state["i2"]
    eq(ids(client.agents.list(identity_id=i2)), [agent_id], "agents.list(identity_id=second)")
    eq(ids(client.agents.list(identity_id=i1)), [agent_id], "agents.list(identity_id=first)")
    page = client.agents.list(identity_id=i2, include=WITH_IDENTITIES)
    eq([identity_ids_of(a) for a in page.items], [([i1, i2], [i1, i2])],
       "agents.list(identity_id=second, include=['agent.identities']): (identity_ids, identities[].id)")


def blocks_list_by_identity():
    block_id, i1, i2 = state["block"], state["i1"], state["i2"]
    blocks = client.blocks.list(identity_id=i2)
    eq(ids(blocks), [block_id], "blocks.list(identity_id=second)")
    eq(blocks.items[0].label, BLOCK_LABEL, "label of the listed block")
    eq(ids(client.blocks.list(identity_id=i1)), [], "blocks.list(identity_id=first) (the block is on second only)")


def identity_side_lists():
    agent_id, block_id, i1, i2 = state["agent"], state["block"], state["i1"], state["i2"]
    agents = identity_agents(i2)
    ok(isinstance(agents, list), f"GET /v1/identities/{{id}}/agents should answer a JSON array, got {agents!r}")
    eq(ids(agents), [agent_id], "GET /v1/identities/<second>/agents")
    eq(agents[0].get("name"), AGENT_NAME, "name of the listed agent")
    eq(ids(identity_agents(i1)), [agent_id], "GET /v1/identities/<first>/agents")
    eq(ids(identity_blocks(i2)), [block_id], "GET /v1/identities/<second>/blocks")
    eq(ids(identity_blocks(i1)), [], "GET /v1/identities/<first>/blocks")


def retrieve_with_include():
    agent_id, i1, i2 = state["agent"], state["i1"], state["i2"]
    agent = client.agents.retrieve(agent_id, include=WITH_IDENTITIES)
    eq(agent.id, agent_id, "id")
    eq(identity_ids_of(agent), ([i1, i2], [i1, i2]),
       "retrieve(include=['agent.identities']): (identity_ids, identities[].id), in attach order")
    # Upstream: a 1.x SDK gets no relationships without `include` (identity_ids [] although linked).
    plain = client.agents.retrieve(agent_id)
    eq(identity_ids_of(plain), ([], []), "retrieve() without include: (identity_ids, identities[].id)")


def update_identity_ids():
    agent_id, i1, i2 = state["agent"], state["i1"], state["i2"]
    agent = client.agents.update(agent_id, identity_ids=[i2], description=f"updated {SUFFIX}")
    eq(agent.description, f"updated {SUFFIX}", "description")
    # An update answers with every relationship loaded; identity_ids replaces the set.
    eq(identity_ids_of(agent), ([i2], [i2]), "update(identity_ids=[second]): (identity_ids, identities[].id)")
    eq(identity_ids_of(client.agents.retrieve(agent_id, include=WITH_IDENTITIES)), ([i2], [i2]),
       "read back with retrieve(include=['agent.identities'])")
    eq(client.agents.retrieve(agent_id).description, f"updated {SUFFIX}", "description read back")
    eq(ids(client.agents.list(identity_id=i1)), [], "agents.list(identity_id=first) after the update")
    eq(ids(identity_agents(i1)), [], "GET /v1/identities/<first>/agents after the update")
    eq(ids(client.agents.list(identity_id=i2)), [agent_id], "agents.list(identity_id=second) after the update")


def detach():
    agent_id, block_id, i1, i2 = state["agent"], state["block"], state["i1"], state["i2"]
    eq(client.agents.identities.detach(i2, agent_id=agent_id), None, "agents.identities.detach return value (null)")
    eq(identity_ids_of(client.agents.retrieve(agent_id, include=WITH_IDENTITIES)), ([], []),
       "retrieve(include=['agent.identities']) after detach")
    eq(ids(client.agents.list(identity_id=i2)), [], "agents.list(identity_id=second) after detach")
    eq(ids(identity_agents(i2)), [], "GET /v1/identities/<second>/agents after detach")
    got = block_identities("detach", block_id, i2)
    ok(isinstance(got, dict) and got.get("id") == block_id, f"block detach should answer the block, got {got!r}")
    eq(ids(client.blocks.list(identity_id=i2)), [], "blocks.list(identity_id=second) after detach")
    eq(ids(identity_blocks(i2)), [], "GET /v1/identities/<second>/blocks after detach")
    # Link both to the first identity again, so that deleting them has links to remove.
    eq(client.agents.identities.attach(i1, agent_id=agent_id), None, "agents.identities.attach(first)")
    block_identities("attach", block_id, i1)
    eq(ids(identity_agents(i1)), [agent_id], "GET /v1/identities/<first>/agents after attaching again")
    eq(ids(client.blocks.list(identity_id=i1)), [block_id], "blocks.list(identity_id=first) after attaching again")


def delete_agent():
    agent_id, i1 = state["agent"], state["i1"]
    got = client.agents.delete(agent_id)
    eq(got, {"message": f"Agent id={agent_id} successfully deleted"}, "agents.delete return value")
    err = expect_not_found(lambda: client.agents.retrieve(agent_id))
    eq(detail(err), f"Agent with ID {agent_id} not found", "retrieve after delete: detail")
    eq(ids(identity_agents(i1)), [], "GET /v1/identities/<first>/agents after deleting the agent")
    eq(ids(client.agents.list(identity_id=i1)), [], "agents.list(identity_id=first) after deleting the agent")


def delete_block():
    block_id, i1 = state["block"], state["i1"]
    eq(client.blocks.delete(block_id), None, "blocks.delete return value (null)")
    err = expect_not_found(lambda: client.blocks.retrieve(block_id))
    eq(detail(err), f"Block with id '{block_id}' not found", "retrieve after delete: detail")
    eq(ids(identity_blocks(i1)), [], "GET /v1/identities/<first>/blocks after deleting the block")
    eq(ids(client.blocks.list(identity_id=i1)), [], "blocks.list(identity_id=first) after deleting the block")


def clean_up():
    for key in ("i1", "i2"):
        eq(client.delete(f"/v1/identities/{state[key]}", cast_to=object), None, f"DELETE /v1/identities/<{key}>")
        expect_not_found(lambda: client.get(f"/v1/identities/{state[key]}", cast_to=object))


check("letta_client version, and no client.identities", sdk_version)
check("client.post('/v1/identities/') (two identities)", create_identities)
check("agents.create(model=, embedding=, identity_ids=[first])", create_agent)
check("blocks.create(label=, value=)", create_block)
check("agents.identities.attach(second, agent_id=)", attach_identity_to_agent)
check("client.patch('/v1/blocks/{id}/identities/attach/{identity_id}')", attach_identity_to_block)
check("agents.list(identity_id=)", agents_list_by_identity)
check("blocks.list(identity_id=)", blocks_list_by_identity)
check("client.get('/v1/identities/{id}/agents' and '/blocks')", identity_side_lists)
check("agents.retrieve(include=['agent.identities'])", retrieve_with_include)
check("agents.update(identity_ids=[second], description=)", update_identity_ids)
check("agents.identities.detach and the block's detach", detach)
check("agents.delete, then retrieve: NotFoundError", delete_agent)
check("blocks.delete, then retrieve: NotFoundError", delete_block)
check("clean up", clean_up)
print(f"{check.passed} checks passed [{MODE}]")
