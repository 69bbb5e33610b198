// Accounts, sessions, CSRF, separation of duties and data scope, over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, DEMO_PASSWORD } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

// The system administrator creates the account; the security administrator
// gives it roles (no account may hold both duties).
async function createUser(admin, username, roleCodes, orgUnitCode = null) {
  const units = (await admin.get('/api/v1/org-units?page_size=200')).body.items;
  const unit = orgUnitCode ? units.find((u) => u.code === orgUnitCode) : units.find((u) => u.kind === 'plant');
  const res = await admin.post('/api/v1/users', {
    username, display_name: username, org_unit_id: unit.id, password: 'Initial-Passw0rd!x',
  });
  if (res.status !== 201 || roleCodes.length === 0) return res;
  const sec = await loginAs(server, 'secadmin');
  const roles = (await sec.get('/api/v1/roles?page_size=200')).body.items;
  return sec.put(`/api/v1/users/${res.body.id}/roles`, {
    role_ids: roleCodes.map((code) => roles.find((r) => r.code === code).id),
  });
}

test('login answers a token, an expiry and the user; /me lists roles and permissions', async () => {
  const c = server.client();
  const res = await c.login('safety');
  assert.equal(res.status, 200);
  assert.match(res.body.token, /^[A-Za-z0-9_-]{40,}$/);
  assert.ok(Date.parse(res.body.expires_at) > Date.now());
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.username, 'safety');
  assert.ok(me.body.roles.some((r) => r.code === 'safety_officer'));
  assert.ok(me.body.permissions.includes('point.view'));
  assert.equal(me.body.org_unit.kind, 'plant');
});

test('a wrong password and an unknown user get the same answer', async () => {
  const a = await server.client().login('safety', 'wrong-password-1A!');
  const b = await server.client().login('no-such-user', 'wrong-password-1A!');
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  assert.equal(a.body.error.code, b.body.error.code);
  assert.equal(a.body.error.message, b.body.error.message);
});

test('five failures in a row lock the account; the right password is then refused with 423', async () => {
  const admin = await loginAs(server, 'admin');
  assert.equal((await createUser(admin, 'lockme', ['inspector'])).status, 200);
  for (let i = 0; i < 5; i++) {
    const r = await server.client().login('lockme', `Wrong-Passw0rd-${i}`);
    assert.equal(r.status, i < 4 ? 401 : 423, `attempt ${i + 1}`);
  }
  const locked = await server.client().login('lockme', 'Initial-Passw0rd!x');
  assert.equal(locked.status, 423);
  assert.equal(locked.body.error.code, 'account_locked');
  assert.ok(locked.body.error.details.locked_until);
});

test('logout revokes the session', async () => {
  const c = await loginAs(server, 'inspector');
  assert.equal((await c.post('/api/v1/auth/logout', {})).status, 204);
  assert.equal((await c.get('/api/v1/me')).status, 401);
});

test('cookie sessions need the CSRF token on state-changing requests', async () => {
  const c = server.client();
  const res = await c.login('admin');
  c.token = null; // use the cookie only, as the web app does
  assert.ok(c.cookies.anxun_session && c.cookies.anxun_csrf);
  assert.equal((await c.get('/api/v1/me')).status, 200);
  const units = (await c.get('/api/v1/org-units?kind=plant')).body.items;
  const body = { org_unit_id: units[0].id, code: 'CSRF-1', name: 'csrf area' };
  const refused = await c.post('/api/v1/areas', body);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'csrf_failed');
  const wrong = await c.post('/api/v1/areas', body, { headers: { 'x-csrf-token': 'nope' } });
  assert.equal(wrong.status, 403);
  const ok = await c.post('/api/v1/areas', body, { headers: { 'x-csrf-token': res.body.csrf_token } });
  assert.equal(ok.status, 201);
});

test('the three administrator roles cannot be combined on one account', async () => {
  const admin = await loginAs(server, 'admin');
  const both = await createUser(admin, 'twohats', ['sysadmin', 'auditor']);
  assert.equal(both.status, 409);
  assert.equal(both.body.error.code, 'separation_of_duties');
  const withRoles = await admin.post('/api/v1/users', {
    username: 'selfmade', display_name: 'x', org_unit_id: 1, password: 'Initial-Passw0rd!x', role_ids: [1],
  });
  assert.equal(withRoles.status, 403, 'the system administrator cannot grant roles');

  const sec = await loginAs(server, 'secadmin');
  const roles = (await sec.get('/api/v1/roles?page_size=200')).body.items;
  const users = (await sec.get('/api/v1/users?q=auditor')).body.items;
  const auditor = users.find((u) => u.username === 'auditor');
  const res = await sec.put(`/api/v1/users/${auditor.id}/roles`, {
    role_ids: [roles.find((r) => r.code === 'auditor').id, roles.find((r) => r.code === 'secadmin').id],
  });
  assert.equal(res.status, 409);
  assert.equal(res.body.error.code, 'separation_of_duties');
});

test('a new user must change the password at first login before anything else', async () => {
  const admin = await loginAs(server, 'admin');
  assert.equal((await createUser(admin, 'newbie', ['inspector'])).status, 200);
  const c = server.client();
  const res = await c.login('newbie', 'Initial-Passw0rd!x');
  assert.equal(res.status, 200);
  assert.equal(res.body.must_change_password, true);
  assert.equal((await c.get('/api/v1/points')).status, 403);
  const weak = await c.post('/api/v1/auth/password', { old_password: 'Initial-Passw0rd!x', new_password: 'short' });
  assert.equal(weak.status, 400);
  assert.ok(weak.body.error.details.fields.new_password);
  const ok = await c.post('/api/v1/auth/password', { old_password: 'Initial-Passw0rd!x', new_password: 'Better-Passw0rd-2026' });
  assert.equal(ok.status, 204);
  const again = server.client();
  assert.equal((await again.login('newbie', 'Better-Passw0rd-2026')).status, 200);
  assert.equal((await again.get('/api/v1/points')).status, 200);
});

test('a plant user gets 404 for another plant\'s point and never sees it in lists', async () => {
  const admin = await loginAs(server, 'admin');
  const all = (await admin.get('/api/v1/points?page_size=200')).body;
  const safety = await loginAs(server, 'safety');
  const mine = (await safety.get('/api/v1/points?page_size=200')).body;
  assert.ok(mine.total > 0 && mine.total < all.total, `${mine.total} of ${all.total}`);
  const myUnits = new Set(mine.items.map((p) => p.id));
  const other = all.items.find((p) => !myUnits.has(p.id));
  assert.ok(other, 'a point outside the chemical plant exists');
  const res = await safety.get(`/api/v1/points/${other.id}`);
  assert.equal(res.status, 404);
  assert.equal(res.body.error.code, 'not_found');
  const missing = await safety.get('/api/v1/points/99999999');
  assert.deepEqual(Object.keys(res.body.error).sort(), Object.keys(missing.body.error).sort());
  assert.equal((await safety.get(`/api/v1/points/${other.id}/qr.svg`)).status, 404);
  const patch = await safety.patch(`/api/v1/points/${other.id}`, { name: 'hijack' });
  assert.equal(patch.status, 404);
  const labels = await safety.get(`/api/v1/points/labels?ids=${other.id}`);
  assert.equal(labels.status, 404);
});

test('an inspector may not manage users or read the audit trail', async () => {
  const c = await loginAs(server, 'inspector');
  assert.equal((await c.get('/api/v1/audit')).status, 403);
  const res = await c.post('/api/v1/users', { username: 'x', display_name: 'x', org_unit_id: 1, role_ids: [], password: 'Whatever-Passw0rd1' });
  assert.equal(res.status, 403);
});

test('the audit administrator sees logins, failures and changes with before and after', async () => {
  const auditor = await loginAs(server, 'auditor');
  const failed = await auditor.get('/api/v1/audit?action=auth.login_failed');
  assert.equal(failed.status, 200);
  assert.ok(failed.body.total >= 1);
  const logins = await auditor.get('/api/v1/audit?action=auth.login&actor=auditor');
  assert.ok(logins.body.items.some((e) => e.actor_name === 'auditor'));
  const creates = await auditor.get('/api/v1/audit?action=user.create');
  assert.ok(creates.body.total >= 1);
  assert.ok(creates.body.items[0].after);
  assert.ok(!JSON.stringify(creates.body.items).includes('argon2'), 'no password hashes in the trail');
  const csv = await auditor.get('/api/v1/audit/export?format=csv&action=user.create');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const exported = await auditor.get('/api/v1/audit?action=audit.export');
  assert.ok(exported.body.total >= 1, 'the export itself is audited');
});

test('demo passwords come from ANXUN_DEMO_PASSWORD', async () => {
  assert.equal((await server.client().login('manager', DEMO_PASSWORD)).status, 200);
});
