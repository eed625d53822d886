// The Directus hook against a stub of factdesk's gate endpoint (node --test integrations/directus).
import test from 'node:test';
import assert from 'node:assert';
import http from 'node:http';
import register, { settingsFrom } from '../src/index.js';

function stubFactdesk(answer) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization });
    const [status, body] = answer(req);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server, seen, url: `http://127.0.0.1:${server.address().port}`,
  })));
}

// Registers the hook as Directus does and returns its filters by event.
function hooks(url, extra = {}) {
  const filters = {};
  const warnings = [];
  register({ filter: (event, handler) => { filters[event] = handler; } }, {
    env: { FACTDESK_URL: url, FACTDESK_TOKEN: 'tok', FACTDESK_COLLECTIONS: 'articles', ...extra },
    logger: { warn: (m) => warnings.push(m) },
  });
  return { filters, warnings };
}

const PUBLISH = { status: 'published' };
const META = { collection: 'articles', keys: ['1'] };

test('an approved item is published', async () => {
  const stub = await stubFactdesk(() => [200, { publishable: true, reason: 'approved', blockers: [] }]);
  try {
    const { filters } = hooks(stub.url);
    assert.deepStrictEqual(await filters['items.update'](PUBLISH, META), PUBLISH);
    assert.deepStrictEqual(stub.seen, [{ url: '/api/v1/integrations/directus/documents/articles/1/gate', auth: 'Bearer tok' }]);
  } finally { stub.server.close(); }
});

test('an unapproved item is refused with its blockers', async () => {
  const stub = await stubFactdesk(() => [200, { publishable: false, reason: 'blockers', blockers: [7], draft_id: 3 }]);
  try {
    const { filters } = hooks(stub.url);
    await assert.rejects(filters['items.update'](PUBLISH, META), (error) => {
      assert.strictEqual(error.status, 403);
      assert.match(error.message, /articles\/1 is not cleared.*blocking verdicts.*Claims blocking it: 7\..*\/desk\/drafts\/3/);
      return true;
    });
  } finally { stub.server.close(); }
});

test('publishing and editing in one save is refused without asking', async () => {
  const stub = await stubFactdesk(() => [200, { publishable: true }]);
  try {
    const { filters } = hooks(stub.url);
    await assert.rejects(filters['items.update']({ status: 'published', body: '<p>new</p>' }, META), /also changes body/);
    await assert.rejects(filters['items.create']({ status: 'published', body: 'x' }, { collection: 'articles' }),
      /also changes body/);
    assert.strictEqual(stub.seen.length, 0);
  } finally { stub.server.close(); }
});

test('factdesk down: refused when failing closed, published when failing open', async () => {
  const stub = await stubFactdesk(() => [502, {}]);
  try {
    await assert.rejects(hooks(stub.url).filters['items.update'](PUBLISH, META), /could not be asked.*HTTP 502/);
    const open = hooks(stub.url, { FACTDESK_FAIL_MODE: 'open' });
    assert.deepStrictEqual(await open.filters['items.update'](PUBLISH, META), PUBLISH);
    assert.match(open.warnings[0], /fail open/);
  } finally { stub.server.close(); }
});

test('saves that publish nothing pass without asking', async () => {
  const stub = await stubFactdesk(() => [500, {}]);
  try {
    const { filters } = hooks(stub.url, { FACTDESK_STATUS_FIELD: 'state', FACTDESK_PUBLISHED_VALUE: 'live' });
    assert.deepStrictEqual(await filters['items.update']({ body: 'x' }, META), { body: 'x' });
    assert.deepStrictEqual(await filters['items.update'](PUBLISH, META), PUBLISH); // `status` is not its field
    assert.deepStrictEqual(await filters['items.update']({ state: 'live' }, { collection: 'pages', keys: ['1'] }),
      { state: 'live' });
    assert.strictEqual(stub.seen.length, 0);
  } finally { stub.server.close(); }
});

test('settings default as the README says', () => {
  const s = settingsFrom({ FACTDESK_URL: 'http://f', FACTDESK_TOKEN: 't' });
  assert.deepStrictEqual([s.integration, s.statusField, s.publishedValue, s.failMode, s.timeoutMs],
    ['directus', 'status', 'published', 'closed', 2000]);
});
