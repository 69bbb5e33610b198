// The audit trail is append-only in the database and `anxun audit verify`
// catches tampering through the signed chain head.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, loginAs, runCli, BACKEND } from './lib.mjs';

function sql(server, statement) {
  if (BACKEND === 'postgresql') {
    const url = server.dbArgs[1];
    return execFileSync('psql', [url, '-qAtc', statement], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  }
  return execFileSync('sqlite3', [`${server.dataDir}/anxun.db`, statement], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

test('the database refuses UPDATE and DELETE on the audit trail', async () => {
  const s = await startServer();
  try {
    await loginAs(s, 'admin');
    assert.throws(() => sql(s, "UPDATE audit_log SET action = 'x'"), /append-only/);
    assert.throws(() => sql(s, 'DELETE FROM audit_log'), /append-only/);
  } finally {
    await s.stop();
  }
});

test('audit verify passes on an honest trail and names the first altered entry', async () => {
  const s = await startServer();
  await loginAs(s, 'admin');
  await loginAs(s, 'safety');
  await s.stop({ keepData: true }); // signs the head at shutdown
  const args = ['audit', 'verify', '--data', s.dataDir, ...s.dbArgs];
  const ok = await runCli(args);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ok/);

  const seq = Number(sql(s, 'SELECT MIN(seq) + 1 FROM audit_log').trim());
  if (BACKEND === 'postgresql') {
    sql(s, 'ALTER TABLE audit_log DISABLE TRIGGER USER');
    sql(s, `UPDATE audit_log SET actor_name = 'mallory' WHERE seq = ${seq}`);
  } else {
    sql(s, 'DROP TRIGGER audit_log_no_update');
    sql(s, `UPDATE audit_log SET actor_name = 'mallory' WHERE seq = ${seq}`);
  }
  const bad = await runCli(args);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, new RegExp(`\\b${seq}\\b`));
});
