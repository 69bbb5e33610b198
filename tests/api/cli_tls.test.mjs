// The command line tools, TLS, and slow clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, loginAs } from './lib.mjs';

test('anxun user add / lock / unlock / passwd work on the database and are audited', async () => {
  const s = await startServer();
  await s.stop({ keepData: true });
  const base = ['--data', s.dataDir, ...s.dbArgs];
  const pw = 'Cli-Created-Passw0rd';

  const add = await runCli(['user', 'add', 'cliuser', '--name', '命令行用户', '--org-unit', 'HG1',
    '--role', 'inspector', ...base], { input: `${pw}\n` });
  assert.equal(add.code, 0, add.stderr);
  const weak = await runCli(['user', 'add', 'weakling', '--name', 'w', '--org-unit', 'HG1',
    '--role', 'inspector', ...base], { input: 'short\n' });
  assert.notEqual(weak.code, 0);
  assert.equal(weak.stderr.trim().split('\n').length, 1, 'one line');
  const lock = await runCli(['user', 'lock', 'cliuser', ...base]);
  assert.equal(lock.code, 0, lock.stderr);

  const again = await startServer({ demo: false, args: [], reuse: s });
  try {
    const locked = await again.client().login('cliuser', pw);
    assert.equal(locked.status, 423);
  } finally {
    await again.stop({ keepData: true });
  }
  assert.equal((await runCli(['user', 'unlock', 'cliuser', ...base])).code, 0);
  const changed = 'Cli-Changed-Passw0rd';
  const passwd = await runCli(['user', 'passwd', 'cliuser', ...base], { input: `${changed}\n` });
  assert.equal(passwd.code, 0, passwd.stderr);
  const third = await startServer({ demo: false, reuse: s });
  try {
    assert.equal((await third.client().login('cliuser', pw)).status, 401, 'old password gone');
    const ok = await third.client().login('cliuser', changed);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.must_change_password, true);
    const auditor = await loginAs(third, 'auditor');
    const trail = await auditor.get('/api/v1/audit?actor=cli');
    assert.ok(trail.body.total >= 4, 'user add, lock, unlock, passwd are in the trail');
  } finally {
    await third.stop();
  }
});

test('with a certificate and key the server speaks HTTPS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anxun-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const s = await startServer({
    args: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], tls: true,
  });
  try {
    const body = await new Promise((resolve, reject) => {
      https.get(`https://127.0.0.1:${s.port}/healthz`, { ca: readFileSync(join(dir, 'cert.pem')) }, (res) => {
        let data = '';
        res.on('data', (d) => { data += d; });
        res.on('end', () => resolve({ status: res.statusCode, data }));
      }).on('error', reject);
    });
    assert.equal(body.status, 200);
    assert.match(body.data, /reachable/);
  } finally {
    await s.stop();
  }
});

test('a client that sends half a request is cut off after the read timeout', async () => {
  const s = await startServer({ env: { ANXUN_HTTP_IDLE_TIMEOUT_S: '1', ANXUN_HTTP_READ_TIMEOUT_S: '1' } });
  try {
    const closedAfter = await new Promise((resolve) => {
      const started = Date.now();
      const sock = net.connect(s.port, '127.0.0.1', () => sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
      sock.on('close', () => resolve(Date.now() - started));
      sock.on('error', () => {});
      sock.setTimeout(10000, () => sock.destroy());
    });
    assert.ok(closedAfter < 5000, `closed after ${closedAfter} ms`);
    assert.equal((await s.client().get('/healthz')).status, 200);
  } finally {
    await s.stop();
  }
});
