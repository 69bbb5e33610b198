// The HTTP server itself: health, metrics, OpenAPI, the error shape, limits,
// bad input, static files and security headers, start-up errors and shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, runCli, loginAs } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

function rawRequest(port, text, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => resolve(data));
    sock.on('error', () => resolve(data));
    sock.setTimeout(timeoutMs, () => sock.destroy());
    sock.write(text);
  });
}

test('healthz answers ok with the database reachable', async () => {
  const res = await server.client().get('/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.body.database, 'reachable');
});

test('every response carries a request id, and a given one is echoed', async () => {
  const c = server.client();
  const res = await c.get('/api/v1/nope', { headers: { 'x-request-id': 'abc-123' } });
  assert.equal(res.headers.get('x-request-id'), 'abc-123');
  assert.equal(res.body.error.request_id, 'abc-123');
  const res2 = await c.get('/healthz');
  assert.match(res2.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
});

test('unknown API path answers 404 in the error shape', async () => {
  const res = await server.client().get('/api/v1/does-not-exist');
  assert.equal(res.status, 404);
  assert.equal(res.body.error.code, 'not_found');
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok('details' in res.body.error);
});

test('a protected route without a session answers 401', async () => {
  const res = await server.client().get('/api/v1/me');
  assert.equal(res.status, 401);
  assert.equal(res.body.error.code, 'unauthenticated');
});

test('wrong method on a known path answers 405', async () => {
  const res = await server.client().request('DELETE', '/healthz');
  assert.equal(res.status, 405);
});

test('metrics are in the Prometheus text format with request counts and histograms', async () => {
  await server.client().get('/healthz');
  const res = await server.client().get('/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/plain/);
  assert.match(res.text, /anxun_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(res.text, /anxun_http_request_duration_seconds_bucket\{.*le="\+Inf"\}/);
  assert.match(res.text, /anxun_db_readers \d+/);
  assert.match(res.text, /anxun_build_info\{version="/);
});

test('the OpenAPI document is served and is 3.1', async () => {
  const res = await server.client().get('/api/v1/openapi.json');
  assert.equal(res.status, 200);
  assert.equal(res.body.openapi, '3.1.0');
  assert.ok(res.body.paths['/api/v1/points']);
  assert.ok(res.body.paths['/api/v1/auth/login'].post);
});

test('security headers are set on API and page responses', async () => {
  for (const path of ['/healthz', '/']) {
    const res = await server.client().get(path);
    assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  }
});

test('the web app is served with history fallback and cached hashed assets', async () => {
  const c = server.client();
  const index = await c.get('/');
  if (index.status === 503) {
    assert.equal(index.body.error.code, 'web_not_built');
    return;
  }
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /text\/html/);
  const deep = await c.get('/admin/points');
  assert.equal(deep.status, 200);
  assert.equal(deep.text, index.text);
  const asset = index.text.match(/\/assets\/[^"]+\.js/);
  assert.ok(asset, 'index.html references a hashed asset');
  const js = await c.get(asset[0]);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /javascript/);
  assert.match(js.headers.get('cache-control'), /immutable/);
  const missing = await c.get('/assets/nope-123.js');
  assert.equal(missing.status, 404);
});

test('path traversal in static paths is refused', async () => {
  for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc%2fpasswd',
    '/a\\..\\b']) {
    const text = await rawRequest(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(text, /^HTTP\/1\.1 (400|404)/, `${path} -> ${text.slice(0, 40)}`);
    assert.doesNotMatch(text, /root:/);
  }
});

test('malformed JSON, wrong types, unknown fields and invalid UTF-8 get clear 400s', async () => {
  const c = await loginAs(server, 'admin');
  const bad = await c.post('/api/v1/areas', '{"code": ', { raw: true, headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'malformed_json');

  const notObject = await c.post('/api/v1/areas', '[1,2]', { raw: true, headers: { 'content-type': 'application/json' } });
  assert.equal(notObject.status, 400);

  const types = await c.post('/api/v1/areas', { org_unit_id: 'x', code: 5, name: true });
  assert.equal(types.status, 400);
  assert.equal(types.body.error.code, 'validation_failed');
  assert.ok(types.body.error.details.fields.code);

  const unknown = await c.post('/api/v1/areas', { org_unit_id: 1, code: 'Z1', name: 'n', bogus: 1 });
  assert.equal(unknown.status, 400);
  assert.ok(unknown.body.error.details.fields.bogus);

  const utf8 = await c.post('/api/v1/areas', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    { raw: true, headers: { 'content-type': 'application/json' } });
  assert.equal(utf8.status, 400);
  assert.equal(utf8.body.error.code, 'invalid_utf8');

  assert.equal((await c.get('/healthz')).status, 200, 'server still up');
});

test('a huge body answers 413 and the server stays up', async () => {
  const c = await loginAs(server, 'admin');
  const big = 'x'.repeat(3 * 1024 * 1024);
  const res = await c.post('/api/v1/areas', JSON.stringify({ name: big }), { raw: true, headers: { 'content-type': 'application/json' } }).catch(() => ({ status: 413 }));
  assert.equal(res.status, 413);
  assert.equal((await c.get('/healthz')).status, 200);
});

test('oversized headers answer 431; garbage answers 400; the server stays up', async () => {
  const huge = 'X-Big: ' + 'a'.repeat(64 * 1024) + '\r\n';
  const t1 = await rawRequest(server.port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${huge}\r\n`);
  assert.match(t1, /^HTTP\/1\.1 431/);
  const t2 = await rawRequest(server.port, 'BLAH\x00\x01 nonsense\r\n\r\n');
  assert.match(t2, /^HTTP\/1\.1 400/);
  assert.equal((await server.client().get('/healthz')).status, 200);
});

test('keep-alive serves several requests on one connection', async () => {
  const req = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
  const text = await rawRequest(server.port, req + req + req.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
  assert.equal(text.match(/HTTP\/1\.1 200/g).length, 3);
});

test('a busy port is a clear one-line error and a non-zero exit', async () => {
  const res = await runCli(['serve', '--listen', `127.0.0.1:${server.port}`, '--data', server.dataDir + '-2', ...server.dbArgs]);
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /port already in use|in use/);
});

test('bad flags and an unreachable database are clear errors', async () => {
  const flags = await runCli(['serve', '--no-such-flag']);
  assert.notEqual(flags.code, 0);
  const db = await runCli(['migrate', '--db', 'postgresql://nobody@127.0.0.1:1/none']);
  assert.notEqual(db.code, 0);
  assert.match(db.stderr, /cannot connect/);
});

test('SIGTERM finishes in-flight requests and exits cleanly', async () => {
  const s = await startServer();
  const c = await loginAs(s, 'admin');
  const inflight = c.get('/api/v1/points?page_size=200');
  const stopped = s.stop();
  const res = await inflight;
  assert.equal(res.status, 200);
  const { code } = await stopped;
  assert.equal(code, 0);
});
