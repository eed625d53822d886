'use strict';
// The Strapi middleware against a stub of factdesk's gate endpoint (node --test integrations/strapi).
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const { factdeskGate } = require('../factdesk-gate.js');

function stubFactdesk(answer) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization });
    const [status, body, delayMs] = answer(req);
    setTimeout(() => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); },
      delayMs || 0);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server, seen, url: `http://127.0.0.1:${server.address().port}`,
  })));
}

function fakeStrapi(updatedAt) {
  return { documents: () => ({ findOne: async () => ({ documentId: 'doc1', updatedAt }) }) };
}

async function publish(stub, options = {}, context = {}) {
  const calls = [];
  const middleware = factdeskGate(fakeStrapi('2026-11-28T12:01:37.847Z'), {
    url: stub.url, token: 'tok', integration: 'strapi', uids: ['api::article.article'], ...options,
  });
  await middleware({ action: 'publish', uid: 'api::article.article', params: { documentId: 'doc1' }, ...context },
    async () => { calls.push('published'); return 'ok'; });
  return calls;
}

test('an approved document is published', async () => {
  const stub = await stubFactdesk(() => [200, { publishable: true, reason: 'approved', blockers: [], draft_id: 5 }]);
  try {
    assert.deepStrictEqual(await publish(stub), ['published']);
    assert.strictEqual(stub.seen[0].url,
      '/api/v1/integrations/strapi/documents/doc1/gate?source_version=2026-11-28T12%3A01%3A37.847Z');
    assert.strictEqual(stub.seen[0].auth, 'Bearer tok');
  } finally { stub.server.close(); }
});

test('an unapproved document is refused with its blockers', async () => {
  const stub = await stubFactdesk(() => [200, { publishable: false, reason: 'not_approved', blockers: [12, 13], draft_id: 5 }]);
  try {
    await assert.rejects(publish(stub), (error) => {
      assert.match(error.message, /an editor has not approved this text/);
      assert.match(error.message, /Claims blocking it: 12, 13\./);
      assert.match(error.message, /\/desk\/drafts\/5/);
      return true;
    });
  } finally { stub.server.close(); }
});

test('a document factdesk never received is refused', async () => {
  const stub = await stubFactdesk(() => [404, { code: 'not_found' }]);
  try {
    await assert.rejects(publish(stub), /never received this document/);
  } finally { stub.server.close(); }
});

test('factdesk down: refused when failing closed, published when failing open', async () => {
  const stub = await stubFactdesk(() => [503, { code: 'unavailable' }]);
  try {
    await assert.rejects(publish(stub, { failMode: 'closed' }), /could not be asked.*HTTP 503/);
    const warnings = [];
    assert.deepStrictEqual(await publish(stub, { failMode: 'open', log: { warn: (m) => warnings.push(m) } }),
      ['published']);
    assert.match(warnings[0], /fail open/);
  } finally { stub.server.close(); }
});

test('a slow factdesk is a timeout, not a hung publish', async () => {
  const stub = await stubFactdesk(() => [200, { publishable: true }, 500]);
  try {
    await assert.rejects(publish(stub, { timeoutMs: 100 }), /timeout/);
  } finally { stub.server.close(); }
});

test('other actions and content types pass without asking', async () => {
  const stub = await stubFactdesk(() => [500, {}]);
  try {
    assert.deepStrictEqual(await publish(stub, {}, { action: 'update', params: { documentId: 'doc1' } }), ['published']);
    assert.deepStrictEqual(await publish(stub, {}, { uid: 'api::page.page' }), ['published']);
    assert.strictEqual(stub.seen.length, 0);
  } finally { stub.server.close(); }
});

test('a REST write that publishes at once is refused: its text was never checked', async () => {
  const stub = await stubFactdesk(() => [200, { publishable: true, reason: 'approved', blockers: [] }]);
  try {
    await assert.rejects(publish(stub, {}, { action: 'update', params: { documentId: 'doc1', status: 'published' } }),
      /cannot be written and published in one step/);
    await assert.rejects(publish(stub, {}, { action: 'create', params: { status: 'published' } }), /one step/);
    assert.strictEqual(stub.seen.length, 0);
  } finally { stub.server.close(); }
});

test('a publish of a version factdesk has not received is refused', async () => {
  const stub = await stubFactdesk(() => [200, { publishable: false, reason: 'not_current', blockers: [] }]);
  try {
    await assert.rejects(publish(stub), /has not checked this version/);
  } finally { stub.server.close(); }
});

// The content manager's Publish, as Strapi 5.54 runs it: an update of the draft with the panel's form, then the
// publish, both through the same middleware, with the params captured from a real Strapi
// (tests/fixtures/cms/strapi_panel_publish.document_service.jsonl, see the README there).
const CAPTURED = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', '..', 'tests',
  'fixtures', 'cms', 'strapi_panel_publish.document_service.jsonl'), 'utf8').trim().split('\n').map(JSON.parse);
const CAPTURED_UPDATE = CAPTURED.find((call) => call.action === 'update');
const CAPTURED_PUBLISH = CAPTURED.find((call) => call.action === 'publish');

async function panelPublish(stub, form) {
  let entry = { id: 1, documentId: 'doc1', title: 'Bridge', body: [{ type: 'paragraph' }],
    updatedAt: '2026-11-28T12:01:37.847Z', publishedAt: null };
  const strapi = { documents: () => ({ findOne: async () => ({ ...entry }) }) };
  const middleware = factdeskGate(strapi, { url: stub.url, token: 'tok', integration: 'strapi',
    uids: ['api::article.article'] });
  const { uid } = CAPTURED_UPDATE;
  await middleware({ action: 'update', uid, params: { ...CAPTURED_UPDATE.params, documentId: 'doc1', data: form } },
    async () => {
    entry = { ...entry, ...form, updatedAt: '2026-11-28T12:05:00.000Z' };
    return entry;
  });
  const calls = [];
  await middleware({ action: 'publish', uid, params: { ...CAPTURED_PUBLISH.params, documentId: 'doc1' } },
    async () => { calls.push('published'); });
  return calls;
}

test("the panel's Publish of an unchanged form asks about the version factdesk checked", async () => {
  const stub = await stubFactdesk(() => [200, { publishable: true, reason: 'approved', blockers: [], draft_id: 5 }]);
  try {
    assert.deepStrictEqual(await panelPublish(stub, { title: 'Bridge', body: [{ type: 'paragraph' }] }), ['published']);
    assert.strictEqual(stub.seen.length, 1);
    assert.match(stub.seen[0].url, /source_version=2026-11-28T12%3A01%3A37\.847Z$/);
  } finally { stub.server.close(); }
});

test("the panel's Publish of an edited form asks about the new version, which factdesk has not checked", async () => {
  const stub = await stubFactdesk(() => [200, { publishable: false, reason: 'not_current', blockers: [] }]);
  try {
    await assert.rejects(panelPublish(stub, { title: 'Bridge', body: [{ type: 'heading' }] }), /has not checked this version/);
    assert.match(stub.seen[0].url, /source_version=2026-11-28T12%3A05%3A00\.000Z$/);
  } finally { stub.server.close(); }
});
