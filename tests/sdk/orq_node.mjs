// SDK conformance scenario: the official TypeScript/JavaScript SDK `@orq-ai/node` against
// identity-mock's orq.ai Identities API (`/v2/identities`), current revision. The Node counterpart
// of orq_python.py's "current" run, with the same coverage.
//
// Uses the SDK the way a user would (`new Orq({ apiKey, serverURL })`) and checks what every
// `orq.identities` call returns: single objects wrapped as {"identity": ...}, create 201 with a
// Location header, delete 200 {}, repeated `filter_by.tags`. Expected behaviour is described in
// shared/reference/orq/NOTES.md (sections 3 to 6) and in the server's documentation (README.md).
//
// @orq-ai/node 4.15.11 declares no error model for identities: every 4XX/5XX answer, 401 and the
// retrieve 404 included, raises its fallback `APIError` ("API error occurred"), with `statusCode`
// and the raw `body`. (orq-ai-sdk 4.17.13 for Python raises `ErrorResponse` for those two.)
//
// Environment (set by tests/sdk/run.sh):
//   IDENTITY_MOCK_BASE_URL     the server, e.g. http://127.0.0.1:41645 (required)
//   IDENTITY_MOCK_MODE         the API revision the SDK speaks: "current" (the only one it speaks)
//   IDENTITY_MOCK_NODE_PREFIX  the npm prefix the SDK is installed in (.sdk-env/node)
//   ORQ_AI_NODE                the pinned SDK version; checked against the installed one
//
// The server must serve the bundled fixtures (fixtures/orq.json). Each API key is a workspace of its
// own that starts from those fixtures: the scenario uses fresh random keys, so it never sees what an
// earlier run created, and deletes what it created at the end.
//
// On the first failing check it prints which check and which SDK call failed, and why, and exits 1.

import { randomUUID } from 'node:crypto';

import { eq, installedVersion, makeRunner, ok, recordingFetch, sdkRequire, show, traced } from './node_common.mjs';

const SDK = '@orq-ai/node';
const require = sdkRequire();
const { Orq, HTTPClient, SDK_METADATA } = require(SDK);
const errors = require(`${SDK}/models/errors/index.js`);
const { IdentitySortField } = require(`${SDK}/models/components/index.js`);

const BASE_URL = process.env.IDENTITY_MOCK_BASE_URL;
const MODE = process.env.IDENTITY_MOCK_MODE ?? '';
if (!BASE_URL) {
  console.log('IDENTITY_MOCK_BASE_URL is not set');
  process.exit(2);
}
if (MODE !== 'current') {
  console.log(`IDENTITY_MOCK_MODE must be 'current' (the only revision ${SDK} speaks), not ${show(MODE)}`);
  process.exit(2);
}
const SDK_VERSION = SDK_METADATA.sdkVersion;
const LABEL = `${SDK} ${SDK_VERSION} (node), ${MODE}`;
// Without an apiKey option the SDK falls back to $ORQ_API_KEY: keep the 401 check honest.
delete process.env.ORQ_API_KEY;

// The bundled fixtures (fixtures/orq.json), newest first, which is the list order.
const BILLING_ID = '01JJ1HG9A1B3C5D7E9F1G3H5J7'; // service_billing: no tags
const TURING_ID = '01JJ1HF7T2M4N6P8R0S2V4W6Y8'; // customer_34567: beta-user, no metrics
const GRACE_ID = '01JJ1HE2R5K8Q3V6X9Z0B4C7D1'; // customer_23456: premium, beta-user
const ADA_ID = '01JJ1HDHN79XAS7A01WB3HYSDB'; // customer_12345: enterprise, premium; metrics, budget
const FIXTURE_IDS = [BILLING_ID, TURING_ID, GRACE_ID, ADA_ID];
// The SDK renames the wire's snake_case fields to camelCase.
const ADA_METRICS = { totalTokens: 125000, totalCost: 12.75, totalRequests: 340, errorRate: 0.02 };
const GRACE_METRICS = { totalTokens: 48000, totalCost: 3.4, totalRequests: 120, errorRate: 0 };
const ZERO_METRICS = { totalTokens: 0, totalCost: 0, totalRequests: 0, errorRate: 0 };
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MILLIS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const NOT_FOUND_TEXT = 'identity not found';

const SUFFIX = randomUUID().replaceAll('-', '').slice(0, 8);
const TAG = `sdk-${SUFFIX}`;
const httpClient = new HTTPClient({ fetcher: recordingFetch() });
const client = traced(new Orq({ apiKey: `sdk-conformance-${SUFFIX}`, serverURL: BASE_URL, httpClient }), 'client');
const other = traced(new Orq({ apiKey: `sdk-conformance-${SUFFIX}-other`, serverURL: BASE_URL, httpClient }), 'other');
const anonymous = traced(new Orq({ serverURL: BASE_URL, httpClient }), 'anonymous'); // no Authorization header

const state = {}; // values shared between checks

function describe(err) {
  if (err instanceof errors.ResponseValidationError) {
    return [`ResponseValidationError: the SDK rejected the server's response (HTTP ${err.statusCode})`,
      ...err.pretty().split('\n'), `body: ${err.body.slice(0, 2000)}`];
  }
  if (err instanceof errors.OrqError) {
    return [`${err.name}: HTTP ${err.statusCode}`, `body: ${err.body.slice(0, 2000)}`];
  }
  if (err instanceof errors.SDKValidationError) {
    return ['SDKValidationError: the SDK refused the arguments before sending them', ...err.pretty().split('\n')];
  }
  return null;
}

const { check, expectError, finish } = makeRunner({
  label: LABEL,
  scriptUrl: import.meta.url,
  describe,
  statusOf: (err) => err.statusCode,
  isSdkError: (err) => err instanceof errors.OrqError || err instanceof errors.SDKValidationError
    || err instanceof errors.HTTPClientError,
  helpers: ['errorBody', 'listPage', 'ids', 'everything', 'timestamp', 'profile', 'metricsOf', 'retrieve', 'create',
    'update'],
});

// ---------------------------------------------------------------- helpers

/** The JSON body of an error, which must carry `message` and the gRPC `code`. */
function errorBody(err, code) {
  let body;
  try {
    body = JSON.parse(err.body);
  } catch {
    ok(false, `error body is not JSON: ${show(err.body)}`);
  }
  ok(body !== null && typeof body === 'object' && typeof body.message === 'string' && body.message,
    `error body should have a non-empty 'message', got ${show(err.body)}`);
  eq(body.code, code, `'code' of the error body ${err.body}`);
  return body;
}

/** create/retrieve/update results wrap the identity as {identity}; create also as {result, headers}. */
async function create(sdk, fields) {
  return (await sdk.identities.create(fields)).result.identity;
}

async function retrieve(id, options = {}, sdk = client) {
  return (await sdk.identities.retrieve({ id, ...options })).identity;
}

async function update(id, changes) {
  return (await client.identities.update({ id, updateIdentityRequest: changes })).identity;
}

async function listPage(request, sdk = client) {
  const page = await sdk.identities.list(request);
  eq(page.object, 'list', 'list: object');
  ok(typeof page.hasMore === 'boolean', `list: hasMore should be a boolean, got ${show(page.hasMore)}`);
  return page;
}

async function ids(request, sdk = client) {
  return (await listPage(request, sdk)).data.map((identity) => identity.id);
}

async function everything(request = {}, sdk = client) {
  const page = await listPage({ limit: 50, ...request }, sdk);
  ok(!page.hasMore, 'list: more than 50 identities (hasMore is true)');
  return page.data;
}

/** `created`/`updated`: ISO strings with milliseconds and Z, as a Date. */
function timestamp(value, what) {
  ok(typeof value === 'string' && ISO_MILLIS_RE.test(value),
    `${what} should be an ISO timestamp like 2026-01-15T04:13:15.986Z, got ${show(value)}`);
  return new Date(value);
}

/** The fields every single-object call returns. */
function profile(identity) {
  const { id, externalId, displayName, email, avatarUrl, tags, metadata, created, updated } = identity;
  return { id, externalId, displayName, email, avatarUrl, tags, metadata, created, updated };
}

function metricsOf(identity, what) {
  const m = identity.metrics;
  ok(m !== undefined && m !== null, `${what}: metrics missing`);
  for (const name of Object.keys(ZERO_METRICS)) {
    ok(typeof m[name] === 'number', `${what}: metrics.${name} should be a number, got ${show(m[name])}`);
  }
  return m;
}

// ---------------------------------------------------------------- checks

async function sdkVersion() {
  const expected = process.env.ORQ_AI_NODE;
  if (expected) {
    eq(SDK_VERSION, expected, `${SDK} SDK_METADATA.sdkVersion`);
    eq(installedVersion(process.env.IDENTITY_MOCK_NODE_PREFIX, SDK), expected, `installed ${SDK} package.json version`);
  }
  ok(typeof client.identities?.list === 'function', `${SDK} ${SDK_VERSION} has no orq.identities`);
}

async function createEveryField() {
  const fields = {
    externalId: `sdk-${SUFFIX}-a`,
    displayName: `SDK Alpha ${SUFFIX}`,
    email: `alpha.${SUFFIX}@sdk-test.example`,
    avatarUrl: 'https://example.com/avatars/alpha.png',
    tags: [TAG, 'enterprise'],
    metadata: { plan: 'pro', seats: 5, ratio: 0.5, nested: { ok: true, list: [1, 'two', null] } },
  };
  const result = await client.identities.create(fields);
  const a = result.result.identity;
  // The 201's headers, lower-cased, each a list of values.
  eq(result.headers.location, [`/v2/identities/${a.id}`], 'the Location header of the 201');
  ok(ULID_RE.test(a.id), `_id should be a 26-character ULID, got ${show(a.id)}`);
  for (const [name, value] of Object.entries(fields)) eq(a[name], value, name);
  ok(UUID_RE.test(a.workspaceId), `workspace_id should be a UUID, got ${show(a.workspaceId)}`);
  const created = timestamp(a.created, 'created');
  eq(a.updated, a.created, 'updated of a new identity');
  ok(Math.abs(Date.now() - created.getTime()) < 300_000, `created should be about now, got ${show(a.created)}`);
  eq([a.metrics, a.budget], [undefined, undefined], '[metrics, budget] without includeMetrics/includeBudget');
  state.ws = a.workspaceId;
  state.a = a;
}

async function createMore() {
  const b = await create(client, { externalId: `sdk-${SUFFIX}-b`, displayName: `SDK Beta ${SUFFIX}`, tags: [TAG] });
  eq([b.externalId, b.displayName, b.tags], [`sdk-${SUFFIX}-b`, `SDK Beta ${SUFFIX}`, [TAG]],
    'B [externalId, displayName, tags]');
  const c = await create(client, { externalId: `sdk-${SUFFIX}-c` });
  eq([c.displayName, c.email, c.avatarUrl, c.tags, c.metadata], [undefined, undefined, undefined, [], {}],
    'C [displayName, email, avatarUrl, tags, metadata] when only externalId is sent');
  eq(c.workspaceId, state.ws, 'workspaceId (same key, same workspace)');
  const pages = [];
  for (let i = 1; i <= 5; i++) {
    pages.push(await create(client, { externalId: `sdk-${SUFFIX}-p${i}`, displayName: `Page filler ${i}` }));
  }
  const created = [state.a, b, c, ...pages];
  eq(new Set(created.map((x) => x.id)).size, created.length, 'every created _id is different');
  Object.assign(state, { b, c, pages });
  // Newest first: the identities created here, then the fixtures.
  state.all = [...created.map((x) => x.id).reverse(), ...FIXTURE_IDS];
}

async function workspaceStartsFromFixtures() {
  const data = await everything();
  eq(data.map((x) => x.id), state.all, 'list({limit: 50}) ids: what was created, newest first, then the fixtures');
  const ada = data.at(-1);
  eq([ada.externalId, ada.displayName, ada.email, ada.avatarUrl, ada.tags],
    ['customer_12345', 'Ada Lovelace', 'ada@example.com', 'https://example.com/avatars/ada.png', ['enterprise', 'premium']],
    'fixture customer_12345');
  eq(ada.metadata, { department: 'Engineering', role: 'Senior Developer', subscription_tier: 'premium' },
    'fixture customer_12345 metadata');
  eq(timestamp(ada.created, 'created').toISOString(), '2026-01-15T04:13:15.986Z', 'fixture customer_12345 created');
  eq([...new Set(data.map((x) => x.workspaceId))], [state.ws], 'workspaceId of every list item');
  eq(data.map((x) => x.metrics), data.map(() => undefined), 'metrics without includeMetrics');
  // No arguments: the SDK sends none (the server's default limit is 10).
  const page = await listPage();
  eq(page.data.map((x) => x.id), state.all.slice(0, 10), 'list() ids (default limit 10)');
  eq(page.hasMore, true, 'list() hasMore with 12 identities');
}

async function duplicateCreate() {
  for (const externalId of [state.a.externalId, 'customer_12345']) {
    const err = await expectError(errors.APIError, 409, () => client.identities.create({ externalId, displayName: 'duplicate' }));
    const body = errorBody(err, 6);
    ok(body.message.includes(externalId), `the 409 message should name ${show(externalId)}: ${show(body.message)}`);
  }
  eq((await everything()).map((x) => x.id), state.all, 'list after the refused creates');
}

async function retrieveByIdAndExternalId() {
  const { a } = state;
  const byId = await retrieve(a.id);
  eq(profile(byId), profile(a), 'retrieve({id: <_id>}) vs the created identity');
  eq(profile(await retrieve(a.externalId)), profile(a), 'retrieve({id: <external_id>}) vs the created identity');
  eq([byId.workspaceId, byId.metrics, byId.budget], [state.ws, undefined, undefined], '[workspaceId, metrics, budget]');
  eq((await retrieve('customer_12345')).id, ADA_ID, "retrieve({id: 'customer_12345'}).id");
}

async function retrieveMetricsAndBudget() {
  const ada = await retrieve('customer_12345', { includeMetrics: true });
  eq(metricsOf(ada, 'retrieve(customer_12345, includeMetrics)'), ADA_METRICS, 'metrics');
  const a = await retrieve(state.a.id, { includeMetrics: true });
  eq(metricsOf(a, 'retrieve(<new identity>, includeMetrics)'), ZERO_METRICS, 'metrics of a new identity');
  const withBudget = await retrieve(ADA_ID, { includeBudget: true });
  const { budget } = withBudget;
  ok(budget !== undefined, 'retrieve({includeBudget: true}): budget missing');
  eq([budget.budgetId, budget.limits.period, budget.limits.amount, budget.limits.tokenLimit, budget.isActive],
    ['01JJ1HF0000000000000000BUD', 'BUDGET_PERIOD_MONTHLY', 100, 1000000, true],
    'budget [budgetId, limits.period, limits.amount, limits.tokenLimit, isActive]');
  eq(budget.scope?.identity?.identityExternalId, 'customer_12345', 'budget.scope.identity.identityExternalId');
  ok(budget.createdAt instanceof Date && budget.createdAt.toISOString() === '2026-01-15T04:20:00.000Z',
    `budget.createdAt should be the Date 2026-01-15T04:20:00Z, got ${show(budget.createdAt)}`);
  eq(withBudget.metrics, undefined, 'metrics with includeBudget only');
  eq((await retrieve(GRACE_ID, { includeBudget: true })).budget, undefined, 'budget of an identity that has none');
  const budgets = new Map((await everything({ includeBudget: true })).map((x) => [x.id, x.budget]));
  eq(budgets.get(ADA_ID)?.budgetId, '01JJ1HF0000000000000000BUD', 'list({includeBudget: true}): budget of customer_12345');
  eq([...budgets].filter(([, b]) => b !== undefined).map(([id]) => id), [ADA_ID],
    'list({includeBudget: true}): identities with a budget');
}

async function listSearch() {
  const { a, b } = state;
  eq(await ids({ search: SUFFIX.toUpperCase() }), [b.id, a.id], `list({search: ${show(SUFFIX.toUpperCase())}}) (display names, any case)`);
  eq(await ids({ search: 'SDK-TEST.example' }), [a.id], "list({search: 'SDK-TEST.example'}) (email)");
  eq(await ids({ search: 'lovelace' }), [ADA_ID], "list({search: 'lovelace'})");
  eq(await ids({ search: '@example.com' }), [BILLING_ID, GRACE_ID, ADA_ID], "list({search: '@example.com'})");
  eq(await ids({ search: `nobody-${SUFFIX}` }), [], 'list({search: <no match>})');
  const err = await expectError(errors.APIError, 400, () => client.identities.list({ search: 'a' }));
  errorBody(err, 3);
}

async function listTagFilter() {
  const { a, b } = state;
  for (const [tags, expected] of [
    [[TAG], [b.id, a.id]],
    [[TAG, 'enterprise'], [a.id]], // every tag must match
    [['enterprise'], [a.id, ADA_ID]],
    [['premium'], [GRACE_ID, ADA_ID]],
    [['premium', 'enterprise'], [ADA_ID]],
    [['beta-user'], [TURING_ID, GRACE_ID]],
    [['premium', 'no-such-tag'], []],
  ]) {
    eq(await ids({ filterByTags: tags }), expected, `list({filterByTags: ${show(tags)}})`);
  }
  eq(await ids({ search: 'grace', filterByTags: ['premium'] }), [GRACE_ID], 'search and tag filter together');
}

async function listIncludeMetrics() {
  const data = await everything({ includeMetrics: true });
  eq(data.map((x) => x.id), state.all, 'list({includeMetrics: true}) ids');
  const got = new Map(data.map((x) => [x.id, metricsOf(x, `list({includeMetrics: true}) item ${x.externalId}`)]));
  eq(got.get(ADA_ID), ADA_METRICS, 'customer_12345 metrics');
  eq(got.get(GRACE_ID), GRACE_METRICS, 'customer_23456 metrics');
  for (const id of [...state.all.slice(0, 8), TURING_ID, BILLING_ID]) {
    eq(got.get(id), ZERO_METRICS, `metrics of ${id} (none recorded)`);
  }
}

async function listCursors() {
  const everyone = state.all;
  const limit = 5;
  const pages = [];
  let page = await listPage({ limit });
  for (;;) {
    pages.push(page);
    ok(pages.length <= 10, 'startingAfter paging does not end (hasMore stays true)');
    if (!page.hasMore) break;
    ok(page.data.length > 0, 'hasMore is true on an empty page');
    page = await listPage({ limit, startingAfter: page.data.at(-1).id });
  }
  const seen = pages.flatMap((p) => p.data.map((x) => x.id));
  eq(new Set(seen).size, seen.length, `each identity seen once walking forward (seen: ${show(seen)})`);
  eq(seen, everyone, 'order walking forward vs list({limit: 50})');
  eq(pages.map((p) => p.data.length), [5, 5, 2], 'page sizes with limit: 5');
  eq(pages.map((p) => p.hasMore), [true, true, false], 'hasMore of each page');
  // One page back from the last page: the page before it, with more before that.
  const back = await listPage({ limit, endingBefore: pages.at(-1).data[0].id });
  eq(back.data.map((x) => x.id), pages.at(-2).data.map((x) => x.id), 'list({endingBefore: <first id of the last page>})');
  eq(back.hasMore, true, 'hasMore of that page (the first page is still before it)');
  const first = await listPage({ limit, endingBefore: pages[1].data[0].id });
  eq(first.data.map((x) => x.id), pages[0].data.map((x) => x.id), 'list({endingBefore: <first id of page 2>})');
  eq(first.hasMore, false, 'hasMore going back to the first page');
  const empty = await listPage({ limit, endingBefore: everyone[0] });
  eq([empty.data, empty.hasMore], [[], false], 'list({endingBefore: <newest>})');
  eq(await ids({ limit: 2, startingAfter: everyone.at(-3) }), everyone.slice(-2), 'list({limit: 2, startingAfter: <third oldest>})');
}

async function listLimitOutOfRange() {
  for (const limit of [0, 51]) {
    const err = await expectError(errors.APIError, 400, () => client.identities.list({ limit }));
    ok(errorBody(err, 3).message.includes('limit'), `the 400 for limit: ${limit} should name 'limit': ${err.body}`);
  }
}

async function listSortByDisplayName() {
  const data = await everything({ sortBy: IdentitySortField.IdentitySortFieldDisplayName });
  const names = data.map((x) => x.displayName);
  const named = names.filter((n) => n !== undefined);
  const byLower = [...named].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0));
  eq(named, byLower, 'display names with sortBy: IDENTITY_SORT_FIELD_DISPLAY_NAME');
  eq(names.slice(named.length), [undefined], 'identities without a display name come last');
  eq(data.length, state.all.length, 'count with sortBy');
}

async function updateFields() {
  const { a, b } = state;
  // Clearing email: the SDK's type is `string | undefined`, and an empty string is the documented way.
  const changes = { displayName: `SDK Alpha renamed ${SUFFIX}`, tags: [], metadata: { plan: 'enterprise' }, email: '' };
  const got = await update(a.id, changes);
  eq([got.id, got.externalId, got.created], [a.id, a.externalId, a.created], '[id, externalId, created]');
  eq(got.displayName, changes.displayName, 'displayName');
  eq(got.tags, [], 'tags after update({tags: []})');
  eq(got.metadata, { plan: 'enterprise' }, 'metadata (replaced, not merged)');
  eq(got.email, undefined, "email after update({email: ''})");
  eq(got.avatarUrl, a.avatarUrl, 'avatarUrl (not sent, kept)');
  ok(timestamp(got.updated, 'updated') >= timestamp(a.updated, 'updated'), 'updated should not go back');
  eq(profile(await retrieve(a.externalId)), profile(got), 'retrieve({id: <external_id>}) after the update');
  state.a = got;
  // Fields that are not sent are kept; the id may be the external_id.
  const gotB = await update(b.externalId, { displayName: `SDK Beta renamed ${SUFFIX}` });
  eq([gotB.id, gotB.displayName, gotB.tags], [b.id, `SDK Beta renamed ${SUFFIX}`, [TAG]],
    'B after update({id: <external_id>, updateIdentityRequest: {displayName}})');
  state.b = gotB;
  eq(await ids({ filterByTags: [TAG] }), [b.id], "tag filter after A's tags were cleared");
  eq(await ids({ search: 'alpha renamed' }), [a.id], 'search for the new display name');
  eq(await ids({ limit: 2, sortBy: IdentitySortField.IdentitySortFieldUpdated }), [b.id, a.id], 'most recently updated first');
}

async function otherApiKey() {
  const { a } = state;
  eq(await ids({ limit: 50 }, other), FIXTURE_IDS, 'another API key lists only its own fixtures');
  for (const key of [a.id, a.externalId]) {
    const err = await expectError(errors.APIError, 404, () => other.identities.retrieve({ id: key }));
    eq(errorBody(err, 5).message, NOT_FOUND_TEXT, '404 text');
  }
  // The same external_id is free in another workspace.
  const mine = await create(other, { externalId: a.externalId, displayName: 'Other workspace' });
  ok(mine.id !== a.id, 'an identity created with another key should get its own _id');
  ok(mine.workspaceId !== state.ws, `another key should be another workspace, got ${show(mine.workspaceId)} twice`);
  eq(await other.identities.delete({ id: mine.id }), {}, "other.identities.delete's result");
  eq(profile(await retrieve(a.id)), profile(a), "the first key's identity after the other key used its external_id");
}

async function unauthorized() {
  const err = await expectError(errors.APIError, 401, () => anonymous.identities.list());
  errorBody(err, 16);
}

async function deleteThenNotFound() {
  const { a, b } = state;
  eq(await client.identities.delete({ id: a.id }), {}, 'delete() result (DeleteIdentityResponse, {})');
  for (const key of [a.id, a.externalId]) {
    const err = await expectError(errors.APIError, 404, () => client.identities.retrieve({ id: key }));
    eq(errorBody(err, 5).message, NOT_FOUND_TEXT, 'message of the retrieve 404');
  }
  errorBody(await expectError(errors.APIError, 404, () => client.identities.delete({ id: a.id })), 5);
  errorBody(await expectError(errors.APIError, 404,
    () => client.identities.update({ id: a.id, updateIdentityRequest: { displayName: 'gone' } })), 5);
  await client.identities.delete({ id: b.externalId }); // by external_id
  await expectError(errors.APIError, 404, () => client.identities.retrieve({ id: b.id }));
  const remaining = (await everything()).map((x) => x.id);
  ok(!remaining.includes(a.id) && !remaining.includes(b.id), `list() still has a deleted identity: ${show(remaining)}`);
  eq(remaining.length, state.all.length - 2, 'count after two deletes');
}

async function cleanUp() {
  for (const identity of [state.c, ...state.pages]) await client.identities.delete({ id: identity.id });
  eq((await everything()).map((x) => x.id), FIXTURE_IDS, 'list at the end: the fixtures only');
}

await check(`${SDK} version (${MODE})`, sdkVersion);
await check('identities.create with every field', createEveryField);
await check('identities.create (seven more)', createMore);
await check('identities.list: a new API key starts from the fixtures', workspaceStartsFromFixtures);
await check('identities.create of a taken externalId: APIError 409', duplicateCreate);
await check('identities.retrieve by _id and by external_id', retrieveByIdAndExternalId);
await check('identities.retrieve({includeMetrics, includeBudget})', retrieveMetricsAndBudget);
await check('identities.list({search})', listSearch);
await check('identities.list({filterByTags})', listTagFilter);
await check('identities.list({includeMetrics: true})', listIncludeMetrics);
await check('identities.list({startingAfter / endingBefore}) pages', listCursors);
await check('identities.list({limit: 0 / 51}): APIError 400', listLimitOutOfRange);
await check('identities.list({sortBy: IDENTITY_SORT_FIELD_DISPLAY_NAME})', listSortByDisplayName);
await check('identities.update', updateFields);
await check('a second API key is another workspace', otherApiKey);
await check('no API key: APIError 401', unauthorized);
await check('identities.delete, then retrieve: APIError 404', deleteThenNotFound);
await check('clean up', cleanUp);
finish();
