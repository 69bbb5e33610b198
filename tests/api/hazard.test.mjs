// The hazard loop over real HTTP: report, verify, assign, rectify, review,
// close — with evidence, versions, double review, the major-hazard plan,
// extensions, supervision and data scope. Runs on both back ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startServer, loginAs } from './lib.mjs';

let server;
const c = {};   // clients by username
const ids = {}; // user ids by username
let pointId;

// ---- a tiny valid PNG ----------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let v = n;
  for (let k = 0; k < 8; k++) v = v & 1 ? 0xedb88320 ^ (v >>> 1) : v >>> 1;
  return v >>> 0;
});
function crc32(buf) {
  let v = 0xffffffff;
  for (const b of buf) v = CRC_TABLE[(v ^ b) & 0xff] ^ (v >>> 8);
  return (v ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(seed) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8;  // bit depth
  ihdr[9] = 2;  // RGB
  const raw = Buffer.from([0, seed & 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

let pngSeed = 1;
async function upload(client) {
  const form = new FormData();
  form.append('file', new Blob([png(pngSeed++)], { type: 'image/png' }), 'photo.png');
  const res = await client.request('POST', '/api/v1/files', { body: form, raw: true });
  assert.equal(res.status, 201, res.text);
  return res.body.id;
}

// ---- helpers -------------------------------------------------------------

async function report(client, body = {}) {
  const res = await client.post('/api/v1/hazards', {
    title: '储罐区消防通道被占用', description: '叉车停放在消防通道', point_id: pointId, ...body,
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function get(client, id) {
  const res = await client.get(`/api/v1/hazards/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

// Takes `action` with the hazard's current version unless one is given.
async function act(client, id, action, body = {}) {
  const version = body.version ?? (await get(c.safety, id)).version;
  return client.post(`/api/v1/hazards/${id}/actions/${action}`, { version, ...body });
}

async function ok(client, id, action, body = {}) {
  const res = await act(client, id, action, body);
  assert.equal(res.status, 200, `${action}: ${res.text}`);
  return res.body;
}

// A hazard of `level` in rectifying, owned by `owner`.
async function rectifying(level = 'general', owner = 'owner') {
  const h = await report(c.inspector, { file_ids: [await upload(c.inspector)] });
  await ok(c.safety, h.id, 'verify', { level, category: 'fire' });
  return ok(c.safety, h.id, 'assign', { owner_id: ids[owner], measures: '清理通道' });
}

async function pendingReview(level = 'general', owner = 'owner') {
  const h = await rectifying(level, owner);
  return ok(c[owner], h.id, 'submit', { note: '已清理', file_ids: [await upload(c[owner])] });
}

before(async () => {
  server = await startServer();
  for (const u of ['safety', 'head', 'inspector', 'owner', 'manager', 'jg_safety']) {
    c[u] = await loginAs(server, u);
    ids[u] = (await c[u].get('/api/v1/me')).body.id;
  }
  const points = (await c.inspector.get('/api/v1/points?page_size=1')).body.items;
  pointId = points[0].id;
});

after(async () => { await server?.stop(); });

// ---- tests -----------------------------------------------------------------

test('the category dictionary lists the ten seeded categories', async () => {
  const res = await c.inspector.get('/api/v1/hazard-categories');
  assert.equal(res.status, 200);
  const codes = res.body.items.map((x) => x.code);
  for (const code of ['fire', 'electrical', 'hazchem', 'hot_work', 'confined_space', 'height',
    'ppe', 'housekeeping', 'equipment', 'other']) assert.ok(codes.includes(code), code);
  assert.equal(res.body.items.find((x) => x.code === 'fire').name, '消防安全');
});

test('the whole loop: report, verify, assign, submit, return, submit, approve, closed', async () => {
  const before = await upload(c.inspector);
  const clientId = `phone-${Date.now()}`;
  const h = await report(c.inspector, { client_id: clientId, file_ids: [before] });
  assert.match(h.code, /^YH-HG1-\d{8}-\d+$/);
  assert.equal(h.state, 'reported');
  assert.equal(h.point_id, pointId);
  assert.equal(h.files.length, 1);
  assert.equal(h.files[0].phase, 'before');

  // The phone sends it again: the same hazard, 200.
  const again = await c.inspector.post('/api/v1/hazards', { client_id: clientId, title: 'x' });
  assert.equal(again.status, 200);
  assert.equal(again.body.id, h.id);

  const verified = await ok(c.safety, h.id, 'verify', { level: 'general', category: 'fire' });
  assert.equal(verified.state, 'verified');
  assert.equal(verified.category_name, '消防安全');

  const t0 = Date.now();
  const assigned = await ok(c.safety, h.id, 'assign', { owner_id: ids.owner, measures: '移走叉车' });
  assert.equal(assigned.state, 'rectifying');
  const days = (Date.parse(assigned.deadline) - t0) / 86400000;
  assert.ok(days > 6.9 && days < 7.1, `general default deadline is 7 days, got ${days}`);
  assert.equal(assigned.original_deadline, assigned.deadline);
  assert.ok(assigned.allowed_actions.length === 0 || !assigned.allowed_actions.includes('submit'));
  assert.ok((await get(c.owner, h.id)).allowed_actions.includes('submit'));

  const noPhoto = await act(c.owner, h.id, 'submit', { note: 'done', file_ids: [] });
  assert.equal(noPhoto.status, 400);
  const afterPhoto = await upload(c.owner);
  const submitted = await ok(c.owner, h.id, 'submit', { note: '已移走', file_ids: [afterPhoto] });
  assert.equal(submitted.state, 'pending_review');

  const noReason = await act(c.head, h.id, 'return', {});
  assert.equal(noReason.status, 400);
  const returned = await ok(c.head, h.id, 'return', { reason: '照片不清楚' });
  assert.equal(returned.state, 'rectifying');

  await ok(c.owner, h.id, 'submit', { note: '重新拍照', file_ids: [await upload(c.owner)] });
  const closed = await ok(c.head, h.id, 'approve', { comment: '合格' });
  assert.equal(closed.state, 'closed');
  assert.ok(closed.closed_at);
  assert.deepEqual(closed.allowed_actions, []);
  assert.deepEqual(closed.history.map((e) => e.action),
    ['report', 'verify', 'assign', 'submit', 'return', 'submit', 'approve']);
  assert.equal(closed.history[4].comment, '照片不清楚');
  assert.ok(closed.history[1].changes.level);
  const phases = closed.files.map((f) => f.phase);
  assert.ok(phases.includes('before') && phases.includes('after'));

  // The owner may download the inspector's before photo through the hazard.
  const photo = await c.owner.get(`/api/v1/files/${before}`);
  assert.equal(photo.status, 200);

  // Every step is also in the audit trail.
  const auditor = await loginAs(server, 'auditor');
  const trail = await auditor.get(`/api/v1/audit?object_type=hazard&object_id=${h.id}`);
  if (trail.status === 200) assert.ok(trail.body.total >= 7, trail.text);
});

test('every action not allowed from the state answers 409 with the state and allowed actions', async () => {
  const h = await report(c.inspector);
  for (const action of ['assign', 'submit', 'approve', 'return', 'progress', 'extend_request']) {
    const res = await act(c.safety, h.id, action, {});
    assert.equal(res.status, 409, `${action}: ${res.text}`);
    assert.equal(res.body.error.code, 'invalid_transition');
    assert.equal(res.body.error.details.state, 'reported');
    assert.ok(res.body.error.details.allowed_actions.includes('verify'));
  }
  const dismissed = await ok(c.safety, h.id, 'dismiss', { reason: '非隐患' });
  assert.equal(dismissed.state, 'dismissed');
  for (const action of ['verify', 'dismiss', 'assign', 'submit', 'approve', 'return',
    'supervise', 'plan']) {
    const res = await act(c.manager, h.id, action, {});
    assert.equal(res.status, 409, `${action}: ${res.text}`);
    assert.equal(res.body.error.code, 'invalid_transition');
    assert.deepEqual(res.body.error.details.allowed_actions, []);
  }
  const unknown = await act(c.safety, h.id, 'explode', {});
  assert.equal(unknown.status, 404);
});

test('dismiss needs a reason and may link the original', async () => {
  const first = await report(c.inspector);
  const dup = await report(c.inspector);
  assert.equal((await act(c.safety, dup.id, 'dismiss', {})).status, 400);
  const res = await ok(c.safety, dup.id, 'dismiss', { reason: '重复上报', duplicate_of: first.id });
  assert.equal(res.duplicate_of, first.id);
});

test('forbidden actors get 403', async () => {
  const h = await report(c.inspector);
  assert.equal((await act(c.inspector, h.id, 'verify', { level: 'general', category: 'fire' })).status, 403);
  assert.equal((await act(c.owner, h.id, 'dismiss', { reason: 'x' })).status, 403);
  await ok(c.safety, h.id, 'verify', { level: 'general', category: 'fire' });
  assert.equal((await act(c.owner, h.id, 'assign', { owner_id: ids.owner })).status, 403);
  await ok(c.head, h.id, 'assign', { owner_id: ids.owner });
  // Someone other than the owner may not submit.
  const photo = await upload(c.safety);
  const res = await act(c.safety, h.id, 'submit', { note: 'x', file_ids: [photo] });
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, 'not_owner');
  // A plant safety officer is not a superior unit: no supervision.
  assert.equal((await act(c.safety, h.id, 'supervise', { note: 'x' })).status, 403);
});

test('the reviewer may not be the owner', async () => {
  const h = await pendingReview('general', 'safety');
  const res = await act(c.safety, h.id, 'approve', {});
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, 'reviewer_is_owner');
  assert.equal((await act(c.safety, h.id, 'return', { reason: 'x' })).status, 403);
  assert.equal((await ok(c.head, h.id, 'approve', {})).state, 'closed');
});

test('a serious hazard needs two approvals by two people, the second superior', async () => {
  const h = await pendingReview('serious');
  const first = await ok(c.head, h.id, 'approve', { comment: '一审通过' });
  assert.equal(first.state, 'pending_review');
  const same = await act(c.head, h.id, 'approve', {});
  assert.equal(same.status, 403);
  assert.equal(same.body.error.code, 'same_reviewer');
  const plant = await act(c.safety, h.id, 'approve', {});
  assert.equal(plant.status, 403);
  assert.equal(plant.body.error.code, 'superior_required');
  const closed = await ok(c.manager, h.id, 'approve', { comment: '二审通过' });
  assert.equal(closed.state, 'closed');
  assert.equal(closed.reviews.filter((r) => r.decision === 'approve').length, 2);
});

test('a return by either reviewer sends a serious hazard back; approvals start over', async () => {
  const h = await pendingReview('serious');
  await ok(c.head, h.id, 'approve', {});
  assert.equal((await ok(c.manager, h.id, 'return', { reason: '不彻底' })).state, 'rectifying');
  await ok(c.owner, h.id, 'submit', { note: '补充', file_ids: [await upload(c.owner)] });
  assert.equal((await ok(c.manager, h.id, 'approve', {})).state, 'pending_review');
  assert.equal((await ok(c.head, h.id, 'approve', {})).state, 'closed');
});

test('a stale version loses with 409 version_conflict', async () => {
  const h = await report(c.inspector);
  await ok(c.safety, h.id, 'verify', { level: 'general', category: 'fire', version: h.version });
  const res = await act(c.safety, h.id, 'assign', { owner_id: ids.owner, version: h.version });
  assert.equal(res.status, 409);
  assert.equal(res.body.error.code, 'version_conflict');
});

test('two approvals racing close the hazard once', async () => {
  const h = await pendingReview('general');
  const [a, b] = await Promise.all([
    act(c.head, h.id, 'approve', { version: h.version, comment: 'a' }),
    act(c.manager, h.id, 'approve', { version: h.version, comment: 'b' }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409]);
  const final = await get(c.safety, h.id);
  assert.equal(final.state, 'closed');
  assert.equal(final.reviews.length, 1);
  assert.equal(final.history.filter((e) => e.action === 'approve').length, 1);
});

test('a minor hazard fixed on the spot goes to review and one approval closes it', async () => {
  const photo = await upload(c.inspector);
  const res = await c.inspector.post('/api/v1/hazards', {
    title: '灭火器压力不足已更换', point_id: pointId, category: 'fire', fixed_on_spot: true,
    file_ids: [photo],
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.state, 'pending_review');
  assert.equal(res.body.level, 'minor');
  assert.equal(res.body.owner_id, ids.inspector);
  assert.equal((await ok(c.safety, res.body.id, 'approve', {})).state, 'closed');

  const noPhoto = await c.inspector.post('/api/v1/hazards', { title: 'x', fixed_on_spot: true });
  assert.equal(noPhoto.status, 400);
  const notMinor = await c.inspector.post('/api/v1/hazards', {
    title: 'x', fixed_on_spot: true, level: 'serious', file_ids: [photo] });
  assert.equal(notMinor.status, 400);
});

test('a major hazard needs its governance plan before rectification starts', async () => {
  const h = await report(c.inspector, { title: '储罐区可燃气体检测报警仪失效' });
  await ok(c.safety, h.id, 'verify', { level: 'major', category: 'hazchem' });
  const early = await act(c.safety, h.id, 'assign', { owner_id: ids.owner });
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'plan_required');
  const incomplete = await act(c.safety, h.id, 'plan', { goal_tasks: 'x', production_stop: 'partial' });
  assert.equal(incomplete.status, 400);
  const deadline = new Date(Date.now() + 45 * 86400000).toISOString();
  const planned = await ok(c.safety, h.id, 'plan', {
    goal_tasks: '恢复检测报警', methods_measures: '更换探头并联锁', funds_materials: '5 万元',
    organisation_people: '设备部 刘海', time_limits: '45 天', safety_emergency: '便携式检测+专人监护',
    production_stop: 'partial', deadline, authority_reported_at: new Date().toISOString(),
    authority_receiver: '区应急管理局', authority_document: '安报〔2026〕12 号',
  });
  assert.equal(planned.plan.goal_tasks, '恢复检测报警');
  assert.equal(planned.production_stop, 'partial');
  assert.equal(planned.authority_report.receiver, '区应急管理局');
  assert.equal(planned.supervised, true, 'a major hazard is supervised from verification');
  const assigned = await ok(c.safety, h.id, 'assign', { owner_id: ids.owner });
  assert.equal(assigned.state, 'rectifying');
  assert.equal(Date.parse(assigned.deadline), Date.parse(deadline));

  const minor = await report(c.inspector);
  await ok(c.safety, minor.id, 'verify', { level: 'minor', category: 'other' });
  assert.equal((await act(c.safety, minor.id, 'plan', {})).body.error.code, 'not_major');
});

test('an extension keeps the original deadline', async () => {
  const h = await rectifying('general');
  const later = new Date(Date.parse(h.deadline) + 3 * 86400000).toISOString();
  const asked = await ok(c.owner, h.id, 'extend_request', { deadline: later, reason: '备件未到' });
  assert.equal(asked.extension_request.reason, '备件未到');
  assert.equal((await act(c.owner, h.id, 'extend_approve', {})).status, 403);
  const approved = await ok(c.head, h.id, 'extend_approve', { comment: '同意' });
  assert.equal(Date.parse(approved.deadline), Date.parse(later));
  assert.equal(approved.original_deadline, h.original_deadline);
  assert.equal(approved.extension_request, null);
  assert.equal((await act(c.head, h.id, 'extend_refuse', { reason: 'x' })).body.error.code,
    'no_extension_pending');
});

test('management supervises; supervised hazards are listed apart', async () => {
  const h = await rectifying('serious');
  const target = new Date(Date.now() + 5 * 86400000).toISOString();
  const res = await ok(c.manager, h.id, 'supervise', { note: '限期整改', target_date: target });
  assert.equal(res.supervised, true);
  assert.equal(res.supervision.note, '限期整改');
  const list = await c.safety.get('/api/v1/hazards?supervised=true&page_size=200');
  assert.ok(list.body.items.some((x) => x.id === h.id));
  assert.ok(list.body.items.every((x) => x.supervised));
});

test('list filters, text search, sort and paging', async () => {
  const h = await report(c.inspector, { title: '配电柜门未关闭独特词', category: 'electrical' });
  const q = await c.safety.get(`/api/v1/hazards?q=${encodeURIComponent('独特词')}`);
  assert.equal(q.status, 200);
  assert.deepEqual(q.body.items.map((x) => x.id), [h.id]);
  const byCode = await c.safety.get(`/api/v1/hazards?code=${h.code}`);
  assert.equal(byCode.body.total, 1);
  const reported = await c.safety.get('/api/v1/hazards?state=reported&page_size=200');
  assert.ok(reported.body.items.every((x) => x.state === 'reported'));
  const byCat = await c.safety.get('/api/v1/hazards?category=electrical');
  assert.ok(byCat.body.items.some((x) => x.id === h.id));
  const page = await c.safety.get('/api/v1/hazards?page_size=2&sort=-id');
  assert.equal(page.body.items.length, 2);
  assert.ok(page.body.items[0].id > page.body.items[1].id);
  assert.ok(page.body.total > 2);
  const notOverdue = await c.safety.get('/api/v1/hazards?overdue=false&page_size=1');
  assert.equal(notOverdue.status, 200);
  assert.equal((await c.safety.get('/api/v1/hazards?state=bogus')).status, 400);
  const units = (await c.safety.get('/api/v1/org-units?kind=plant')).body.items;
  const withDesc = await c.safety.get(`/api/v1/hazards?org_unit_id=${units[0].id}&page_size=1`);
  assert.ok(withDesc.body.total > 0);
});

test('a plant safety officer never sees another plant\'s hazards, files or exports', async () => {
  const photo = await upload(c.inspector);
  const h = await report(c.inspector, { title: '外厂不可见隐患', file_ids: [photo] });
  const res = await c.jg_safety.get(`/api/v1/hazards/${h.id}`);
  assert.equal(res.status, 404);
  assert.equal((await act(c.jg_safety, h.id, 'verify', { version: 1, level: 'general', category: 'fire' })).status, 404);
  assert.equal((await c.jg_safety.get(`/api/v1/hazards/${h.id}/notice`)).status, 404);
  const list = await c.jg_safety.get('/api/v1/hazards?page_size=200');
  assert.equal(list.status, 200);
  assert.ok(!list.body.items.some((x) => x.id === h.id));
  const exp = await c.jg_safety.get('/api/v1/hazards/export?format=csv');
  assert.equal(exp.status, 200);
  assert.ok(!exp.text.includes(h.code));
  assert.equal((await c.jg_safety.get(`/api/v1/files/${photo}`)).status, 404);
  // Reporting into another plant's point is refused.
  const other = await c.jg_safety.post('/api/v1/hazards', { title: 'x', point_id: pointId });
  assert.equal(other.status, 400);
});

test('the CSV export is exactly what the filter shows, with a BOM', async () => {
  const h = await report(c.inspector, { title: '=cmd|导出测试' });
  const res = await c.safety.get(`/api/v1/hazards/export?format=csv&code=${h.code}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/csv/);
  const raw = Buffer.from(await (await fetch(`${server.url}/api/v1/hazards/export?format=csv&code=${h.code}`,
    { headers: { authorization: `Bearer ${c.safety.token}` } })).arrayBuffer());
  assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = res.text.trim().split('\r\n');
  assert.equal(lines.length, 2);
  assert.ok(lines[1].includes(h.code));
  assert.ok(lines[1].includes('"\'=cmd|导出测试"'), lines[1]);
  assert.equal((await c.inspector.get('/api/v1/hazards/export')).status, 403);
});

test('the rectification notice is printable HTML', async () => {
  const h = await rectifying('general');
  const res = await c.owner.get(`/api/v1/hazards/${h.id}/notice`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/html/);
  assert.ok(res.text.includes('隐患整改通知单') && res.text.includes(h.code));
});

test('open hazards at the same point and category, for the duplicate check when reporting', async () => {
  const a = await report(c.inspector, { category: 'ppe', title: '未戴安全帽 A' });
  const b = await report(c.inspector, { category: 'ppe', title: '未戴安全帽 B' });
  await ok(c.safety, b.id, 'dismiss', { reason: '重复', duplicate_of: a.id });
  const from = new Date(Date.now() - 30 * 86400000).toISOString();
  const res = await c.inspector.get(
    `/api/v1/hazards?open=true&point_id=${pointId}&category=ppe&from=${encodeURIComponent(from)}&page_size=200`);
  assert.equal(res.status, 200);
  const found = res.body.items.map((x) => x.id);
  assert.ok(found.includes(a.id));
  assert.ok(!found.includes(b.id));
  assert.ok(res.body.items.every((x) => !['closed', 'dismissed'].includes(x.state)));
});

test('deadline rules per level and org unit, inherited down the tree', async () => {
  const plant = (await c.safety.get('/api/v1/org-units?kind=plant')).body.items
    .find((u) => u.code === 'HG1');
  const list = await c.safety.get(`/api/v1/hazard-deadline-rules?org_unit_id=${plant.id}`);
  assert.equal(list.status, 200);
  assert.equal(list.body.effective.general, 168);
  assert.equal(list.body.effective.serious, 720);
  assert.equal(list.body.effective.minor, 12);
  assert.equal(list.body.effective.major, null);
  const defaults = list.body.items.filter((r) => r.org_unit_id === null);
  assert.equal(defaults.length, 4);

  assert.equal((await c.inspector.put('/api/v1/hazard-deadline-rules',
    { org_unit_id: plant.id, level: 'general', hours: 48 })).status, 403);
  assert.equal((await c.jg_safety.put('/api/v1/hazard-deadline-rules',
    { org_unit_id: plant.id, level: 'general', hours: 48 })).status, 400);
  assert.equal((await c.safety.put('/api/v1/hazard-deadline-rules',
    { level: 'general', hours: 1 })).status, 400);
  const set = await c.safety.put('/api/v1/hazard-deadline-rules',
    { org_unit_id: plant.id, level: 'general', hours: 48 });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.hours, 48);

  const t0 = Date.now();
  const h = await rectifying('general');
  const hours = (Date.parse(h.deadline) - t0) / 3600000;
  assert.ok(hours > 47.9 && hours < 48.1, `inherited 48 h, got ${hours}`);

  const del = await c.safety.request('DELETE', `/api/v1/hazard-deadline-rules/${set.body.id}`);
  assert.equal(del.status, 204);
  const back = await c.safety.get(`/api/v1/hazard-deadline-rules?org_unit_id=${plant.id}`);
  assert.equal(back.body.effective.general, 168);
  const keep = await c.safety.request('DELETE', `/api/v1/hazard-deadline-rules/${defaults[0].id}`);
  assert.equal(keep.status, 400);
});

test('the archive of a closed hazard shows every step with its evidence', async () => {
  const h = await pendingReview('general');
  await ok(c.head, h.id, 'approve', { comment: '闭环' });
  const res = await c.safety.get(`/api/v1/hazards/${h.id}/archive`);
  assert.equal(res.status, 200);
  assert.ok(res.text.includes('隐患闭环档案') && res.text.includes(h.code));
  for (const a of ['report', 'verify', 'assign', 'submit', 'approve']) assert.ok(res.text.includes(`>${a}<`), a);
  assert.ok(res.text.includes('<img src="/api/v1/files/'));
  assert.equal((await c.jg_safety.get(`/api/v1/hazards/${h.id}/archive`)).status, 404);
});

test('saved filters are private to their user', async () => {
  const made = await c.safety.post('/api/v1/hazard-filters', { name: '超期较大隐患', query: 'level=serious&overdue=true' });
  assert.equal(made.status, 201, made.text);
  assert.equal((await c.safety.post('/api/v1/hazard-filters', { name: '超期较大隐患', query: 'x=1' })).status, 409);
  assert.equal((await c.safety.post('/api/v1/hazard-filters', { name: 'bad', query: '?a=1' })).status, 400);
  const mine = await c.safety.get('/api/v1/hazard-filters');
  assert.ok(mine.body.items.some((f) => f.id === made.body.id));
  const theirs = await c.head.get('/api/v1/hazard-filters');
  assert.ok(!theirs.body.items.some((f) => f.id === made.body.id));
  assert.equal((await c.head.request('DELETE', `/api/v1/hazard-filters/${made.body.id}`)).status, 404);
  assert.equal((await c.safety.request('DELETE', `/api/v1/hazard-filters/${made.body.id}`)).status, 204);
});

test('a matched item of the major-hazard criteria forces the level to major', async () => {
  const list = await c.inspector.get('/api/v1/hazard-major-criteria');
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 20);
  assert.ok(list.body.items[1].text.includes('特种作业人员'));
  const h = await report(c.inspector, { title: '电工无证作业', level: 'general', major_criteria: ['HC-02'] });
  assert.equal(h.level, 'major');
  assert.deepEqual(h.major_criteria, ['HC-02']);
  const bad = await c.inspector.post('/api/v1/hazards', { title: 'x', major_criteria: ['HC-99'] });
  assert.equal(bad.status, 400);
  const g = await report(c.inspector);
  const v = await ok(c.safety, g.id, 'verify', { level: 'general', category: 'hazchem', major_criteria: ['HC-20'] });
  assert.equal(v.level, 'major');
  assert.equal(v.supervised, true);
  assert.equal((await act(c.safety, g.id, 'assign', { owner_id: ids.owner })).body.error.code, 'plan_required');
});

test('a plant may not edit the enterprise-wide category dictionary', async () => {
  const res = await c.safety.post('/api/v1/hazard-categories', { code: 'lifting', name: '起重吊装' });
  assert.equal(res.status, 403);
  assert.equal((await c.safety.patch('/api/v1/hazard-categories/fire', { name: 'x' })).status, 403);
  assert.equal((await c.inspector.post('/api/v1/hazard-categories', { code: 'x1', name: 'x' })).status, 403);
});

test('the XLSX export holds the same rows as the CSV', async () => {
  const h = await report(c.inspector, { title: 'XLSX 导出测试' });
  const res = await fetch(`${server.url}/api/v1/hazards/export?format=xlsx&code=${h.code}`,
    { headers: { authorization: `Bearer ${c.safety.token}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04');
  const text = bytes.toString('utf8');
  assert.ok(text.includes(h.code) && text.includes('XLSX 导出测试'));
  assert.equal((await c.safety.get('/api/v1/hazards/export?format=pdf')).status, 400);
});

test('the workbench summary counts what the lists show', async () => {
  const h = await rectifying('general');
  const sum = await c.owner.get('/api/v1/hazards/summary');
  assert.equal(sum.status, 200, sum.text);
  const list = await c.owner.get('/api/v1/hazards?state=rectifying&page_size=1');
  assert.equal(sum.body.by_state.rectifying, list.body.total);
  const mine = await c.owner.get(`/api/v1/hazards?state=rectifying&owner_id=${ids.owner}&page_size=1`);
  assert.equal(sum.body.mine, mine.body.total);
  const sup = await c.owner.get('/api/v1/hazards?supervised=true&open=true&page_size=1');
  assert.equal(sum.body.supervised, sup.body.total);
  const soon = await c.owner.get('/api/v1/hazards?due_soon=true&page_size=1');
  assert.equal(sum.body.due_soon, soon.body.total);
  assert.ok(h.due_soon === false);
  const other = await c.jg_safety.get('/api/v1/hazards/summary');
  const otherList = await c.jg_safety.get('/api/v1/hazards?state=rectifying&page_size=200');
  assert.equal(other.body.by_state.rectifying, otherList.body.total);
  assert.ok(!otherList.body.items.some((x) => x.id === h.id), 'another plant does not count ours');
});
