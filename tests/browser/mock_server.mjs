// THROWAWAY TEST FIXTURE: a crude in-memory imitation of the REST contract, used only to
// develop the UI before the real `facetrace serve` landed. It finds no faces and compares
// nothing. The registered browser test never uses it.
//   node tests/browser/mock_server.mjs PORT
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../src/server/ui');
const ds = '/work/shared/datasets/face_recognition';
const users = { admin: ['erin', 'admin'], analyst: ['alice', 'analyst'], rev1: ['bob', 'reviewer'], rev2: ['carol', 'reviewer'], audit: ['dan', 'auditor'] };
const names = { obama: 'Barack Obama', biden: 'Joe Biden', kit_harington: 'Kit Harington', rose_leslie: 'Rose Leslie',
  alex_lacamoire: 'Alex Lacamoire', lin_manuel_miranda: 'Lin-Manuel Miranda' };
const identities = Object.keys(names).map((dir, i) => ({ id: i + 1, name: names[dir], dir,
  metadata: { source: 'face_recognition examples (mock)', place: 'Washington', notes: 'mock' },
  files: fs.readdirSync(path.join(ds, dir)).map((f) => path.join(ds, dir, f)) }));
const cases = []; const searches = []; const proposals = [];
const now = () => new Date().toISOString();
const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.png': 'image/png' };

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(type === 'application/json' ? JSON.stringify(body) : body);
}
const err = (res, status, code, message) => send(res, status, { error: { code, message } });

http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p === '/' || p.startsWith('/ui/')) {
    const file = path.join(root, p === '/' ? 'index.html' : p.slice(4));
    if (!file.startsWith(root) || !fs.existsSync(file)) return err(res, 404, 'kNotFound', 'no such file');
    return send(res, 200, fs.readFileSync(file), types[path.extname(file)] || 'application/octet-stream');
  }
  if (p === '/v1/health') return send(res, 200, { status: 'ok', faces: 7, identities: 6, model: 'dlib_resnet_v1' });
  const token = (req.headers.authorization || '').replace(/^Bearer /, '');
  const user = users[token];
  if (!user) return err(res, 401, 'kUnauthenticated', 'missing or invalid token');
  const [name, role] = user;
  let body = null;
  if (req.method === 'POST') {
    const request = new Request(`http://x${req.url}`, { method: 'POST', headers: req.headers, body: req, duplex: 'half' });
    body = (req.headers['content-type'] || '').startsWith('multipart/') ? await request.formData() : await request.json();
  }
  let m;
  if (p === '/v1/me') return send(res, 200, { user: name, role });
  if (p === '/v1/cases' && req.method === 'GET') return send(res, 200, { cases: cases.map((c) => ({ ...c, searches: searches.filter((s) => s.case_id === c.id).length })) });
  if (p === '/v1/cases' && req.method === 'POST') {
    const c = { id: cases.length + 1, title: body.title, description: body.description, created_by: name, created_at: now() };
    cases.push(c); return send(res, 201, c);
  }
  if ((m = p.match(/^\/v1\/cases\/(\d+)$/))) {
    const c = cases[m[1] - 1]; if (!c) return err(res, 404, 'kNotFound', `case ${m[1]} not found`);
    return send(res, 200, { ...c, searches: searches.filter((s) => s.case_id === c.id).map(({ bytes, ...s }) => s), proposals: proposals.filter((x) => searches[x.search_id - 1].case_id === c.id) });
  }
  if ((m = p.match(/^\/v1\/cases\/(\d+)\/report$/))) {
    const c = cases[m[1] - 1];
    return url.searchParams.get('format') === 'html' ? send(res, 200, `<html><body><h1>${c.title}</h1></body></html>`, 'text/html') : send(res, 200, { case: c, proposals });
  }
  if (p === '/v1/search') {
    const photo = body.get('photo');
    if (!body.get('purpose')) return err(res, 400, 'kInvalidArgument', 'purpose is required');
    const bytes = Buffer.from(await photo.arrayBuffer());
    if (bytes[0] !== 0xff && bytes[0] !== 0x89) return err(res, 415, 'kUnsupportedImage', `${photo.name}: not an image`);
    const stranger = photo.name.includes('checkpoint-4');
    const s = { search_id: searches.length + 1, case_id: Number(body.get('case_id')), purpose: body.get('purpose'), user: name, created_at: now(),
      width: 640, height: 480, bytes, type: photo.type,
      faces: [{ index: 0, box: { x: 250, y: 120, width: 140, height: 160 }, quality: 0.8, match: !stranger,
        candidates: identities.slice(0, 5).map((id, i) => ({ rank: i + 1, identity_id: id.id, name: id.name, metadata: id.metadata,
          face_id: id.id * 10, image_id: id.id * 10, distance: 0.38 + i * 0.07, false_match_rate: 2e-5 * 10 ** i, possible_match: !stranger && i < 1 })) }] };
    searches.push(s); const { bytes: _b, ...out } = s; return send(res, 200, out);
  }
  if ((m = p.match(/^\/v1\/searches\/(\d+)$/))) {
    const { bytes, ...s } = searches[m[1] - 1]; return send(res, 200, { ...s, proposals: proposals.filter((x) => x.search_id === s.search_id) });
  }
  if ((m = p.match(/^\/v1\/searches\/(\d+)\/(photo|faces\/\d+\/chip)$/))) { const s = searches[m[1] - 1]; return send(res, 200, s.bytes, s.type); }
  if ((m = p.match(/^\/v1\/(faces|images)\/(\d+)(\/chip)?$/))) {
    const i = identities[Math.floor(m[2] / 10) - 1];
    return send(res, 200, i.uploads ? i.uploads[m[2] % 10].bytes : fs.readFileSync(i.files[0]), 'image/jpeg');
  }
  if (p === '/v1/identities' && req.method === 'POST') {
    const i = { id: identities.length + 1, name: body.name, metadata: body.metadata, files: [], uploads: [] };
    identities.push(i); return send(res, 201, { id: i.id, name: i.name, metadata: i.metadata });
  }
  if ((m = p.match(/^\/v1\/identities\/(\d+)\/photos$/))) {
    const i = identities[m[1] - 1]; const photo = body.get('photo');
    i.uploads.push({ bytes: Buffer.from(await photo.arrayBuffer()), source: body.get('source') }); return send(res, 201, { image_id: 0, faces: 1 });
  }
  if ((m = p.match(/^\/v1\/identities\/(\d+)$/)) && req.method === 'PATCH') {
    const request = new Request(`http://x${req.url}`, { method: 'PATCH', headers: req.headers, body: req, duplex: 'half' });
    const patch = await request.json(); const i = identities[m[1] - 1];
    if (patch.name) i.name = patch.name; if (patch.metadata) i.metadata = patch.metadata; return send(res, 200, i);
  }
  if ((m = p.match(/^\/v1\/identities\/(\d+)$/)) && req.method === 'DELETE') { identities[m[1] - 1].deleted = true; res.writeHead(204); return res.end(); }
  if (p === '/v1/identities') return send(res, 200, { identities: identities.filter((i) => !i.deleted).map((i) => ({ id: i.id, name: i.name, metadata: i.metadata, photos: i.files.length, faces: i.files.length })), total: identities.length });
  if ((m = p.match(/^\/v1\/identities\/(\d+)$/))) {
    const i = identities[m[1] - 1];
    if (i.deleted) return err(res, 404, 'kNotFound', `no identity ${m[1]}`);
    if (i.uploads) return send(res, 200, { id: i.id, name: i.name, metadata: i.metadata, photos: i.uploads.map((u, k) => ({ image_id: i.id * 10 + k, source: u.source, faces: [{ face_id: 0, box: { x: 100, y: 50, width: 200, height: 200 } }] })) });
    return send(res, 200, { id: i.id, name: i.name, metadata: i.metadata, photos: i.files.slice(0, 2).map(() => ({ image_id: i.id * 10, source: i.metadata.source, added_at: now(), faces: [{ face_id: i.id * 10, box: { x: 20, y: 20, width: 80, height: 80 } }] })) });
  }
  if (p === '/v1/proposals') {
    const x = { id: proposals.length + 1, search_id: body.search_id, face_index: body.face_index, identity_id: body.identity_id, comment: body.comment, proposed_by: name, created_at: now(), status: 'proposed', decisions: [] };
    proposals.push(x); return send(res, 201, x);
  }
  if (p === '/v1/audit') return send(res, 200, { entries: searches.map((x, i) => ({ seq: i + 1, time: x.created_at, user: x.user, action: 'search', case_id: x.case_id, purpose: x.purpose, photo_sha256: 'ab'.repeat(32), result_ids: [1, 2] })), total: searches.length });
  if ((m = p.match(/^\/v1\/proposals\/(\d+)\/decisions$/))) {
    const x = proposals[m[1] - 1];
    if (role !== 'reviewer') return err(res, 403, 'kPermissionDenied', 'reviewers only');
    if (x.decisions.some((d) => d.reviewer === name)) return err(res, 409, 'kConflict', 'same reviewer twice');
    x.decisions.push({ reviewer: name, decision: body.decision, comment: body.comment, time: now() });
    x.status = body.decision === 'rejected' ? 'rejected' : x.decisions.length >= 2 ? 'confirmed' : 'awaiting_second_review';
    return send(res, 200, x);
  }
  return err(res, 404, 'kNotFound', `no route ${p}`);
}).listen(Number(process.argv[2] || 8099), '127.0.0.1');
