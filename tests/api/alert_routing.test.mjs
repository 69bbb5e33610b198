// Routing, escalation and notifications over real HTTP: who a major event
// reaches (and who it does not), the routing/escalation configuration per org
// unit with scope, validation, versions and audit, an escalation after the
// unit's policy time, a major hazard raising an alert, and — on PostgreSQL —
// two servers on one database firing an escalation exactly once. Both back ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, loginAs, BACKEND } from './lib.mjs';

let server;
const c = {};     // clients by username
const unit = {};  // org unit ids by code
const me = {};    // user ids by username
let point;        // a point of 化工一厂
let seq = 0;

before(async () => {
  server = await startServer();
  for (const u of ['safety', 'head', 'manager', 'jg_safety', 'inspector', 'auditor']) {
    c[u] = await loginAs(server, u);
    me[u] = (await c[u].get('/api/v1/me')).body.id;
  }
  for (const u of (await c.safety.get('/api/v1/org-units?page_size=200')).body.items) {
    unit[u.code] = u.id;
  }
  point = (await c.safety.get('/api/v1/points?page_size=1')).body.items[0];
});

after(async () => { await server?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `fn` until it returns a truthy value (or fails after `ms`).
async function eventually(fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail('condition not reached in time');
    await sleep(200);
  }
}

// The whole feed of `client`, paging by id; `unread` and `last_id` as answered.
async function feed(client) {
  const items = [];
  for (let after = 0; ;) {
    const res = await client.get(`/api/v1/notifications?after=${after}&limit=200`);
    assert.equal(res.status, 200, res.text);
    items.push(...res.body.items);
    if (res.body.items.length < 200) return { ...res.body, items };
    after = res.body.items.at(-1).id;
  }
}

async function about(client, alertId, kind = 'alert') {
  return (await feed(client)).items.filter((n) => n.alert_id === alertId && n.kind === kind);
}

async function raise(event) {
  const res = await c.safety.post('/api/v1/events', {
    events: [{ source: 'manual', rule: `test.routing.${process.pid}.${++seq}`, ...event }],
  });
  assert.equal(res.status, 201, res.text);
  return res.body.results[0].alert_id;
}

async function putRouting(client, unitId, levels) {
  return client.put(`/api/v1/org-units/${unitId}/alert-routing`, { levels });
}

test('a major event pops up for management and safety of the plant and above, nobody else', async () => {
  const id = await raise({ level: 'major', point_id: point.id });

  const [forManager] = await eventually(async () => {
    const n = await about(c.manager, id);
    return n.length ? n : null;
  });
  assert.equal(forManager.popup, true);
  assert.equal(forManager.level, 'major');
  assert.equal(forManager.link, `/alerts/${id}`);
  assert.match(forManager.title, /重大/);
  assert.equal((await about(c.safety, id)).length, 1);
  assert.equal((await about(c.head, id)).length, 0, 'serious-level heads are not told of this');
  assert.equal((await about(c.jg_safety, id)).length, 0, 'another plant hears nothing');
  assert.equal((await about(c.inspector, id)).length, 0);
});

test('notifications page by id and are marked read by ids or all', async () => {
  const id = await raise({ level: 'serious', point_id: point.id });
  await eventually(async () => (await about(c.head, id)).length === 1);
  const all = await feed(c.head);
  assert.ok(all.unread >= 1);
  assert.equal(all.last_id, all.items.at(-1).id);
  const later = await c.head.get(`/api/v1/notifications?after=${all.last_id}`);
  assert.deepEqual(later.body.items, []);

  const [n] = await about(c.head, id);
  const read = await c.head.post('/api/v1/notifications/read', { ids: [n.id] });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.body.updated, 1);
  assert.equal(read.body.unread, all.unread - 1);
  // Someone else's ids change nothing.
  assert.equal((await c.jg_safety.post('/api/v1/notifications/read', { ids: [n.id] })).body.updated, 0);
  const everything = await c.head.post('/api/v1/notifications/read', { all: true });
  assert.equal(everything.body.unread, 0);

  assert.equal((await c.head.post('/api/v1/notifications/read', {})).status, 400);
  assert.equal((await c.head.get('/api/v1/notifications?limit=500')).status, 400);
});

test('routing configuration: defaults, scope, validation, versions and audit', async () => {
  const t1 = unit['HG1-T1'];
  const res = await c.safety.get(`/api/v1/org-units/${t1}/alert-routing`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.levels.map((l) => l.level), ['major', 'serious', 'general', 'minor']);
  const major = res.body.levels[0];
  assert.equal(major.routing.reach, 'plant_and_above');
  assert.equal(major.routing.own, false);
  assert.equal(major.routing.source_unit_id, null);
  assert.equal(res.body.levels[1].escalation.escalate_after_s, 4 * 3600);
  assert.equal(res.body.levels[2].escalation.escalate_after_s, 24 * 3600);
  assert.equal(res.body.levels[3].escalation.escalate_after_s, 0);
  const told = major.recipients.flatMap((r) => r.users.map((u) => u.id));
  assert.ok(told.includes(me.safety), 'the preview names the plant safety officer');

  assert.equal((await c.jg_safety.get(`/api/v1/org-units/${t1}/alert-routing`)).status, 404);
  assert.equal((await c.inspector.get(`/api/v1/org-units/${t1}/alert-routing`)).status, 403);
  assert.equal((await c.manager.get(`/api/v1/org-units/${t1}/alert-routing`)).status, 403);

  const bad = await putRouting(c.safety, t1, [
    { level: 'serious', routing: { roles: ['nobody_role'], reach: 'nearest' } },
  ]);
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.body.error.details.fields['levels[0].routing.roles']);
  const badReach = await putRouting(c.safety, t1, [{ level: 'serious', routing: { roles: ['dept_head'], reach: 'far' } }]);
  assert.ok(badReach.body.error.details.fields['levels[0].routing.reach']);
  const outsider = await putRouting(c.safety, t1, [
    { level: 'serious', routing: { roles: [], reach: 'unit', user_ids: [me.jg_safety] } },
  ]);
  assert.ok(outsider.body.error.details.fields['levels[0].routing.user_ids'], outsider.text);
  assert.equal((await putRouting(c.jg_safety, t1, [{ level: 'minor', routing: null }])).status, 404);

  const set = await putRouting(c.safety, t1, [
    { level: 'serious', routing: { roles: ['safety_officer'], reach: 'unit_and_above', user_ids: [me.head] },
      escalation: { escalate_after_s: 600, max_reminders: 2, roles: ['manager'] } },
  ]);
  assert.equal(set.status, 200, set.text);
  const serious = set.body.levels[1];
  assert.equal(serious.routing.own, true);
  assert.equal(serious.routing.source_unit_id, t1);
  assert.equal(serious.routing.version, 1);
  assert.deepEqual(serious.routing.users.map((u) => u.id), [me.head]);
  assert.equal(serious.escalation.escalate_after_s, 600);
  // A child team inherits nothing from its sibling; the team itself answers its own.
  const sibling = await c.safety.get(`/api/v1/org-units/${unit['HG1-T2']}/alert-routing`);
  assert.equal(sibling.body.levels[1].routing.own, false);

  const stale = await putRouting(c.safety, t1, [
    { level: 'serious', routing: { roles: ['dept_head'], reach: 'nearest', version: 7 } },
  ]);
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.code, 'version_conflict');
  const cleared = await putRouting(c.safety, t1, [{ level: 'serious', routing: null, escalation: null }]);
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.body.levels[1].routing.own, false);
  assert.equal(cleared.body.levels[1].escalation.escalate_after_s, 4 * 3600);

  const trail = await c.auditor.get(`/api/v1/audit?action=alert_routing.update&object_id=${t1}`);
  assert.equal(trail.status, 200, trail.text);
  assert.ok(trail.body.items.length >= 2, 'each change is audited');
});

test('an alert nobody acknowledges escalates up the tree after the unit policy time', async () => {
  const t1 = unit['HG1-T1'];
  const set = await putRouting(c.safety, t1, [
    { level: 'general', escalation: { escalate_after_s: 1, max_reminders: 1 } },
  ]);
  assert.equal(set.status, 200, set.text);

  // At the team nobody may handle alerts: the plant's handlers are told, and
  // the step goes past the (empty) park to the group's management.
  const id = await raise({ level: 'general', org_unit_id: t1 });
  await eventually(async () => (await about(c.safety, id)).length === 1);
  const [step] = await eventually(async () => {
    const n = await about(c.manager, id, 'escalation');
    return n.length ? n : null;
  });
  assert.match(step.title, /超时升级/);
  await sleep(2500);
  assert.equal((await about(c.manager, id, 'escalation')).length, 1, 'max_reminders stops it');
  const detail = (await c.safety.get(`/api/v1/alerts/${id}`)).body;
  assert.equal(detail.history.filter((h) => h.action === 'escalate').length, 1);

  // An alert acknowledged at once (before or after it is routed) never climbs.
  const quiet = await raise({ level: 'general', org_unit_id: t1 });
  const a = (await c.safety.get(`/api/v1/alerts/${quiet}`)).body;
  const ack = await c.safety.post(`/api/v1/alerts/${quiet}/actions/acknowledge`, { version: a.version });
  assert.equal(ack.status, 200, ack.text);
  await eventually(async () => (await about(c.safety, quiet)).length === 1);
  await sleep(3500);
  assert.equal((await about(c.manager, quiet, 'escalation')).length, 0);

  await putRouting(c.safety, t1, [{ level: 'general', escalation: null }]);
});

test('a major hazard reported raises a major alert that reaches management', async () => {
  const res = await c.safety.post('/api/v1/hazards', {
    title: `储罐区紧急切断阀失效 ${process.pid}`, point_id: point.id, level: 'major',
  });
  assert.equal(res.status, 201, res.text);
  const hazardId = res.body.id;
  const alert = await eventually(async () => {
    const list = await c.safety.get('/api/v1/alerts?rule=hazard.major_reported&page_size=200');
    return list.body.items.find((x) => x.labels.hazard_id === String(hazardId));
  });
  assert.equal(alert.level, 'major');
  assert.equal(alert.source, 'hazard');
  const [n] = await eventually(async () => {
    const mine = await about(c.manager, alert.id);
    return mine.length ? mine : null;
  });
  assert.equal(n.popup, true);
  assert.match(n.title, /重大隐患上报/);
});

test('two servers on one PostgreSQL database escalate exactly once', { skip: BACKEND !== 'postgresql' }, async () => {
  const second = await startServer({
    demo: false,
    reuse: { dataDir: mkdtempSync(join(tmpdir(), 'anxun-api-')), dbArgs: server.dbArgs },
  });
  try {
    const t2 = unit['HG1-T2'];
    const set = await putRouting(c.safety, t2, [
      { level: 'general', escalation: { escalate_after_s: 1, max_reminders: 1 } },
    ]);
    assert.equal(set.status, 200, set.text);
    const ids = [];
    for (let i = 0; i < 5; ++i) ids.push(await raise({ level: 'general', org_unit_id: t2 }));
    for (const id of ids) {
      await eventually(async () => (await about(c.manager, id, 'escalation')).length >= 1);
    }
    await sleep(4000);
    for (const id of ids) {
      assert.equal((await about(c.safety, id)).length, 1, `alert ${id} routed once`);
      assert.equal((await about(c.manager, id, 'escalation')).length, 1, `alert ${id} escalated once`);
      const detail = (await c.safety.get(`/api/v1/alerts/${id}`)).body;
      assert.equal(detail.history.filter((h) => h.action === 'escalate').length, 1);
    }
    // The second server answers the same feed.
    const viaSecond = await loginAs(second, 'manager');
    const mine = (await viaSecond.get('/api/v1/notifications?limit=200')).body.items;
    assert.ok(mine.some((x) => x.alert_id === ids[0] && x.kind === 'escalation'));
  } finally {
    await second.stop();
  }
});
