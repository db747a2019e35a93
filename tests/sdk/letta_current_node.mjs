// SDK conformance scenario: the newest official TypeScript/JavaScript SDK `@letta-ai/letta-client`
// against identity-mock's /v1/agents and /v1/blocks, as far as identities reach them. The Node
// counterpart of letta_current_python.py, with the same coverage.
//
// @letta-ai/letta-client 1.12.1 has no `client.identities`: identities are created and listed with
// the client's raw request methods (`client.post(...)`, `client.get(...)`), and linked to agents
// and blocks with `client.agents.create({identity_ids})`, `client.agents.identities.attach/detach`,
// `client.agents.update(id, {identity_ids})` and, for blocks (the SDK has no method for it), raw
// `PATCH /v1/blocks/{block_id}/identities/attach|detach/{identity_id}`. Expected behaviour is the
// real Letta 0.16.8 server's: like it, the mock loads no relationships into an agent for a 1.x SDK
// (which sends `X-Stainless-Package-Version`) unless `include: ['agent.identities']` asks for them.
//
// The SDK is installed beside 1.6.4 (letta_node.mjs) under the npm alias `letta-client-current`.
//
// Environment (set by tests/sdk/run.sh):
//   IDENTITY_MOCK_BASE_URL     the server, e.g. http://127.0.0.1:41645 (required)
//   IDENTITY_MOCK_MODE         "default" or "fix-upstream-bugs" (the routes used here answer alike)
//   IDENTITY_MOCK_NODE_PREFIX  the npm prefix the SDK is installed in (.sdk-env/node)
//   LETTA_CLIENT_CURRENT_NODE  the pinned SDK version; checked against the installed one
//
// The server must accept the model handle openai/gpt-4o-mini and the embedding handle
// openai/text-embedding-3-small (identity-mock does, as a real server with an OpenAI key would).
// Everything the scenario creates has a random suffix and is deleted again at the end.
//
// On the first failing check it prints which check and which SDK call failed, and why, and exits 1.

import { randomUUID } from 'node:crypto';

import { eq, installedVersion, lettaScenarioEnv, makeRunner, ok, recordingFetch, sdkRequire, show, traced } from './node_common.mjs';

const SDK = '@letta-ai/letta-client';
const ALIAS = 'letta-client-current'; // package.json: "letta-client-current": "npm:@letta-ai/letta-client@<pin>"
const require = sdkRequire();
const { Letta, APIError, NotFoundError } = require(ALIAS);
const { VERSION } = require(`${ALIAS}/version`);

const { BASE_URL, MODE } = lettaScenarioEnv();
const LABEL = `${SDK} ${VERSION} (node), ${MODE}`;

const MODEL = 'openai/gpt-4o-mini';
const EMBEDDING = 'openai/text-embedding-3-small';
const UUID4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const IDENTITY_ID_RE = new RegExp(`^identity-${UUID4}$`);
const AGENT_ID_RE = new RegExp(`^agent-${UUID4}$`);
const BLOCK_ID_RE = new RegExp(`^block-${UUID4}$`);
const WITH_IDENTITIES = ['agent.identities'];

const rawClient = new Letta({ baseURL: BASE_URL, apiKey: 'sdk-conformance-dummy-key', fetch: recordingFetch() });
const client = traced(rawClient, 'client');

const SUFFIX = randomUUID().replaceAll('-', '').slice(0, 8);
const [KEY_1, KEY_2] = ['first', 'second'].map((x) => `sdk-${SUFFIX}-${x}`);
const AGENT_NAME = `sdk-agent-${SUFFIX}`;
const BLOCK_LABEL = `sdk_notes_${SUFFIX}`;
const BLOCK_VALUE = `likes tea ${SUFFIX}`;
const state = {}; // values shared between checks

const { check, expectError, finish } = makeRunner({
  label: LABEL,
  scriptUrl: import.meta.url,
  describe: (err) => (err instanceof APIError && err.status !== undefined
    ? [`${err.constructor.name}: HTTP ${err.status}`, `body: ${show(err.error)}`]
    : null),
  statusOf: (err) => err.status,
  isSdkError: (err) => err instanceof APIError,
  helpers: ['ids', 'detail', 'createIdentity', 'identityAgents', 'identityBlocks', 'blockIdentities', 'identityIdsOf'],
});

// ---------------------------------------------------------------- helpers

/** The ids on one page of an SDK list, or of a raw JSON array of objects. */
function ids(page) {
  return (page.items ?? page).map((item) => item.id);
}

function detail(err) {
  ok(err.error !== null && typeof err.error === 'object', `error body should be a JSON object, got ${show(err.error)}`);
  return err.error.detail;
}

// The SDK has no methods for /v1/identities: these are the raw calls it offers for such routes.
function createIdentity(key, name) {
  return client.post('/v1/identities/', { body: { identifier_key: key, name, identity_type: 'user' } });
}

function identityAgents(identityId) {
  return client.get(`/v1/identities/${identityId}/agents`);
}

function identityBlocks(identityId) {
  return client.get(`/v1/identities/${identityId}/blocks`);
}

/** The SDK has no blocks.identities: raw PATCH /v1/blocks/{block_id}/identities/<action>/{identity_id}. */
function blockIdentities(action, blockId, identityId) {
  return client.patch(`/v1/blocks/${blockId}/identities/${action}/${identityId}`);
}

/** [identity_ids, ids of the embedded identities] of an AgentState. */
function identityIdsOf(agent) {
  return [agent.identity_ids, (agent.identities ?? []).map((identity) => identity.id)];
}

// ---------------------------------------------------------------- checks

async function sdkVersion() {
  const expected = process.env.LETTA_CLIENT_CURRENT_NODE;
  if (expected) {
    eq(VERSION, expected, `${ALIAS}/version VERSION`);
    eq(installedVersion(process.env.IDENTITY_MOCK_NODE_PREFIX, ALIAS), expected, `installed ${ALIAS} package.json version`);
  }
  ok(rawClient.identities === undefined, `${SDK} ${VERSION} has client.identities`);
}

async function createIdentities() {
  const first = await createIdentity(KEY_1, `SDK First ${SUFFIX}`);
  const second = await createIdentity(KEY_2, `SDK Second ${SUFFIX}`);
  for (const [got, key] of [[first, KEY_1], [second, KEY_2]]) {
    ok(got !== null && typeof got === 'object', `POST /v1/identities/ should answer a JSON object, got ${show(got)}`);
    ok(IDENTITY_ID_RE.test(got.id), `id should be identity-<uuid4>, got ${show(got.id)}`);
    eq([got.identifier_key, got.agent_ids, got.block_ids], [key, [], []], '[identifier_key, agent_ids, block_ids]');
  }
  ok(first.id !== second.id, 'two identities with one id');
  state.i1 = first.id;
  state.i2 = second.id;
}

async function createAgent() {
  const { i1 } = state;
  const agent = await client.agents.create({ name: AGENT_NAME, model: MODEL, embedding: EMBEDDING, identity_ids: [i1] });
  ok(AGENT_ID_RE.test(agent.id), `id should be agent-<uuid4>, got ${show(agent.id)}`);
  eq(agent.name, AGENT_NAME, 'name');
  eq([agent.model, agent.embedding], [MODEL, EMBEDDING], '[model, embedding]');
  eq([agent.llm_config.handle, agent.embedding_config.handle], [MODEL, EMBEDDING],
    '[llm_config.handle, embedding_config.handle]');
  // The create answer carries the relationships the request set: here identity_ids and identities.
  eq(identityIdsOf(agent), [[i1], [i1]], '[identity_ids, identities[].id] of the created agent');
  const [embedded] = agent.identities;
  eq([embedded.identifier_key, embedded.agent_ids, embedded.block_ids], [KEY_1, [], []],
    'embedded identity [identifier_key, agent_ids, block_ids]');
  state.agent = agent.id;
}

async function createBlock() {
  const block = await client.blocks.create({ label: BLOCK_LABEL, value: BLOCK_VALUE });
  ok(BLOCK_ID_RE.test(block.id), `id should be block-<uuid4>, got ${show(block.id)}`);
  eq([block.label, block.value], [BLOCK_LABEL, BLOCK_VALUE], '[label, value]');
  eq(ids(await client.blocks.list({ identity_id: state.i1 })), [], 'blocks.list({identity_id: first}) before any attach');
  state.block = block.id;
}

async function attachIdentityToAgent() {
  const { agent, i2 } = state;
  eq(await client.agents.identities.attach(i2, { agent_id: agent }), null, 'agents.identities.attach return value (null)');
  // Attaching twice is a no-op.
  eq(await client.agents.identities.attach(i2, { agent_id: agent }), null, 'second agents.identities.attach');
}

async function attachIdentityToBlock() {
  const { block, i2 } = state;
  const got = await blockIdentities('attach', block, i2);
  ok(got !== null && typeof got === 'object', `block attach should answer the block, got ${show(got)}`);
  eq([got.id, got.label, got.value], [block, BLOCK_LABEL, BLOCK_VALUE], 'block attach answer [id, label, value]');
}

async function agentsListByIdentity() {
  const { agent, i1, i2 } = state;
  eq(ids(await client.agents.list({ identity_id: i2 })), [agent], 'agents.list({identity_id: second})');
  eq(ids(await client.agents.list({ identity_id: i1 })), [agent], 'agents.list({identity_id: first})');
  const page = await client.agents.list({ identity_id: i2, include: WITH_IDENTITIES });
  eq(page.items.map(identityIdsOf), [[[i1, i2], [i1, i2]]],
    "agents.list({identity_id: second, include: ['agent.identities']}): [identity_ids, identities[].id]");
}

async function blocksListByIdentity() {
  const { block, i1, i2 } = state;
  const blocks = await client.blocks.list({ identity_id: i2 });
  eq(ids(blocks), [block], 'blocks.list({identity_id: second})');
  eq(blocks.items[0].label, BLOCK_LABEL, 'label of the listed block');
  eq(ids(await client.blocks.list({ identity_id: i1 })), [], 'blocks.list({identity_id: first}) (the block is on second only)');
}

async function identitySideLists() {
  const { agent, block, i1, i2 } = state;
  const agents = await identityAgents(i2);
  ok(Array.isArray(agents), `GET /v1/identities/{id}/agents should answer a JSON array, got ${show(agents)}`);
  eq(ids(agents), [agent], 'GET /v1/identities/<second>/agents');
  eq(agents[0].name, AGENT_NAME, 'name of the listed agent');
  eq(ids(await identityAgents(i1)), [agent], 'GET /v1/identities/<first>/agents');
  eq(ids(await identityBlocks(i2)), [block], 'GET /v1/identities/<second>/blocks');
  eq(ids(await identityBlocks(i1)), [], 'GET /v1/identities/<first>/blocks');
}

async function retrieveWithInclude() {
  const { agent: agentId, i1, i2 } = state;
  const agent = await client.agents.retrieve(agentId, { include: WITH_IDENTITIES });
  eq(agent.id, agentId, 'id');
  eq(identityIdsOf(agent), [[i1, i2], [i1, i2]],
    "retrieve({include: ['agent.identities']}): [identity_ids, identities[].id], in attach order");
  // Upstream: a 1.x SDK gets no relationships without `include` (identity_ids [] although linked).
  eq(identityIdsOf(await client.agents.retrieve(agentId)), [[], []], 'retrieve() without include: [identity_ids, identities[].id]');
}

async function updateIdentityIds() {
  const { agent: agentId, i1, i2 } = state;
  const agent = await client.agents.update(agentId, { identity_ids: [i2], description: `updated ${SUFFIX}` });
  eq(agent.description, `updated ${SUFFIX}`, 'description');
  // An update answers with every relationship loaded; identity_ids replaces the set.
  eq(identityIdsOf(agent), [[i2], [i2]], 'update({identity_ids: [second]}): [identity_ids, identities[].id]');
  eq(identityIdsOf(await client.agents.retrieve(agentId, { include: WITH_IDENTITIES })), [[i2], [i2]],
    "read back with retrieve({include: ['agent.identities']})");
  eq((await client.agents.retrieve(agentId)).description, `updated ${SUFFIX}`, 'description read back');
  eq(ids(await client.agents.list({ identity_id: i1 })), [], 'agents.list({identity_id: first}) after the update');
  eq(ids(await identityAgents(i1)), [], 'GET /v1/identities/<first>/agents after the update');
  eq(ids(await client.agents.list({ identity_id: i2 })), [agentId], 'agents.list({identity_id: second}) after the update');
}

async function detach() {
  const { agent, block, i1, i2 } = state;
  eq(await client.agents.identities.detach(i2, { agent_id: agent }), null, 'agents.identities.detach return value (null)');
  eq(identityIdsOf(await client.agents.retrieve(agent, { include: WITH_IDENTITIES })), [[], []],
    "retrieve({include: ['agent.identities']}) after detach");
  eq(ids(await client.agents.list({ identity_id: i2 })), [], 'agents.list({identity_id: second}) after detach');
  eq(ids(await identityAgents(i2)), [], 'GET /v1/identities/<second>/agents after detach');
  const got = await blockIdentities('detach', block, i2);
  ok(got !== null && typeof got === 'object' && got.id === block, `block detach should answer the block, got ${show(got)}`);
  eq(ids(await client.blocks.list({ identity_id: i2 })), [], 'blocks.list({identity_id: second}) after detach');
  eq(ids(await identityBlocks(i2)), [], 'GET /v1/identities/<second>/blocks after detach');
  // Link both to the first identity again, so that deleting them has links to remove.
  eq(await client.agents.identities.attach(i1, { agent_id: agent }), null, 'agents.identities.attach(first)');
  await blockIdentities('attach', block, i1);
  eq(ids(await identityAgents(i1)), [agent], 'GET /v1/identities/<first>/agents after attaching again');
  eq(ids(await client.blocks.list({ identity_id: i1 })), [block], 'blocks.list({identity_id: first}) after attaching again');
}

async function deleteAgent() {
  const { agent, i1 } = state;
  eq(await client.agents.delete(agent), { message: `Agent id=${agent} successfully deleted` }, 'agents.delete return value');
  const err = await expectError(NotFoundError, 404, () => client.agents.retrieve(agent));
  eq(detail(err), `Agent with ID ${agent} not found`, 'retrieve after delete: detail');
  eq(ids(await identityAgents(i1)), [], 'GET /v1/identities/<first>/agents after deleting the agent');
  eq(ids(await client.agents.list({ identity_id: i1 })), [], 'agents.list({identity_id: first}) after deleting the agent');
}

async function deleteBlock() {
  const { block, i1 } = state;
  eq(await client.blocks.delete(block), null, 'blocks.delete return value (null)');
  const err = await expectError(NotFoundError, 404, () => client.blocks.retrieve(block));
  eq(detail(err), `Block with id '${block}' not found`, 'retrieve after delete: detail');
  eq(ids(await identityBlocks(i1)), [], 'GET /v1/identities/<first>/blocks after deleting the block');
  eq(ids(await client.blocks.list({ identity_id: i1 })), [], 'blocks.list({identity_id: first}) after deleting the block');
}

async function cleanUp() {
  for (const key of ['i1', 'i2']) {
    eq(await client.delete(`/v1/identities/${state[key]}`), null, `DELETE /v1/identities/<${key}>`);
    await expectError(NotFoundError, 404, () => client.get(`/v1/identities/${state[key]}`));
  }
}

await check(`${SDK} version, and no client.identities`, sdkVersion);
await check("client.post('/v1/identities/') (two identities)", createIdentities);
await check('agents.create({model, embedding, identity_ids: [first]})', createAgent);
await check('blocks.create({label, value})', createBlock);
await check('agents.identities.attach(second, {agent_id})', attachIdentityToAgent);
await check("client.patch('/v1/blocks/{id}/identities/attach/{identity_id}')", attachIdentityToBlock);
await check('agents.list({identity_id})', agentsListByIdentity);
await check('blocks.list({identity_id})', blocksListByIdentity);
await check("client.get('/v1/identities/{id}/agents' and '/blocks')", identitySideLists);
await check("agents.retrieve(id, {include: ['agent.identities']})", retrieveWithInclude);
await check('agents.update(id, {identity_ids: [second], description})', updateIdentityIds);
await check("agents.identities.detach and the block's detach", detach);
await check('agents.delete, then retrieve: NotFoundError', deleteAgent);
await check('blocks.delete, then retrieve: NotFoundError', deleteBlock);
await check('clean up', cleanUp);
finish();
