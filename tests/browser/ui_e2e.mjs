// End-to-end test of the browser UI in a real browser (Playwright driving Debian's chromium,
// headless) against the real `facetrace serve`:
//   sign in -> create case -> upload photo -> faces outlined + candidates -> propose ->
//   confirm by reviewer 1 -> awaiting second review -> confirm by reviewer 2 -> confirmed ->
//   export report (HTML and JSON); plus "no match", an API error shown from its error body,
//   identity page and audit log. Asserts on the DOM; screenshots go to OUT/screenshots/.
//
//   node tests/browser/ui_e2e.mjs --facetrace build/facetrace --datasets ../shared/datasets --out build/browser
//
// The gallery is enrolled from real photos read in place from the datasets (never copied).
// Users are created with `facetrace user add`. Registered in ctest by tests/browser/CMakeLists.txt.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    facetrace: { type: 'string' },
    datasets: { type: 'string' },
    out: { type: 'string' },
    chromium: { type: 'string', default: process.env.FACETRACE_CHROMIUM || '/usr/bin/chromium' },
    headed: { type: 'boolean', default: false },
    // Development only: drive a server that is already running (its gallery enrolled from the
    // same photos), with these tokens (analyst=..,reviewer1=..,reviewer2=..,auditor=..,admin=..),
    // instead of starting facetrace. The ctest never uses it.
    'server-url': { type: 'string' },
    tokens: { type: 'string' },
  },
});
const external = args['server-url'];
for (const required of external ? ['datasets', 'out'] : ['facetrace', 'datasets', 'out']) {
  if (!args[required]) fail(`missing --${required}`);
}

function fail(message) {
  console.error(`ui_e2e: ${message}`);
  process.exit(1);
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  fail(`cannot load playwright-core (${error.message}); run scripts/setup (npm ci in tests/browser)`);
}
if (!fs.existsSync(args.chromium)) fail(`no browser at ${args.chromium}; run scripts/setup (apt chromium)`);
if (!external && !fs.existsSync(args.facetrace)) fail(`no facetrace binary at ${args.facetrace}`);

const out = path.resolve(args.out);
const work = path.join(out, 'work');
const shots = path.join(out, 'screenshots');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
fs.mkdirSync(shots, { recursive: true });

const photo = (rel) => {
  const file = path.join(path.resolve(args.datasets), rel);
  if (!fs.existsSync(file)) fail(`dataset photo missing: ${file}`);
  return file;
};

function facetrace(...argv) {
  const run = spawnSync(args.facetrace, argv, { encoding: 'utf8' });
  if (run.status !== 0) fail(`facetrace ${argv.join(' ')} exited ${run.status}: ${run.stderr}${run.stdout}`);
  return run.stdout;
}

// ---- the gallery: real photos, with metadata and a source per photo ----
const GALLERY = [
  ['Barack Obama', 'face_recognition/obama/obama.jpg', 'Washington'],
  ['Barack Obama', 'face_recognition/obama/obama1.jpg', 'Washington'],
  ['Joe Biden', 'face_recognition/biden/biden.jpg', 'Wilmington'],
  ['Kit Harington', 'face_recognition/kit_harington/john1.jpeg', 'London'],
  ['Rose Leslie', 'face_recognition/rose_leslie/img1.jpg', 'Aberdeen'],
  ['Alex Lacamoire', 'face_recognition/alex_lacamoire/img1.jpg', 'New York'],
  ['Lin-Manuel Miranda', 'face_recognition/lin_manuel_miranda/lin-manuel-miranda.png', 'New York'],
];
const QUERY = photo('face_recognition/obama/obama2.jpg');  // another photo of an enrolled person
const STRANGER = photo('deepface/id_img1/img1.jpg');       // someone not in the gallery

const db = path.join(work, 'gallery.db');
const manifest = path.join(work, 'gallery.csv');
fs.writeFileSync(manifest, ['identity,image,source,place,notes',
  ...GALLERY.map(([name, rel, place]) => `${name},${photo(rel)},face_recognition examples (${path.basename(rel)}),${place},browser test gallery`),
].join('\n') + '\n');
if (!external) facetrace('enroll', '--db', db, '--manifest', manifest);

// `facetrace user add` prints the token once; it is the longest word of its output.
function addUser(name, role) {
  const printed = facetrace('user', 'add', name, '--role', role, '--db', db);
  const token = printed.split(/\s+/).filter((w) => /^[A-Za-z0-9_\-.~+/=]{16,}$/.test(w)).sort((a, b) => b.length - a.length)[0];
  if (!token) fail(`no token in the output of user add ${name}: ${printed}`);
  return token;
}
const tokens = external
  ? Object.fromEntries((args.tokens || '').split(',').map((kv) => kv.split('=')))
  : {
    analyst: addUser('alice', 'analyst'),
    reviewer1: addUser('bob', 'reviewer'),
    reviewer2: addUser('carol', 'reviewer'),
    auditor: addUser('dan', 'auditor'),
    admin: addUser('erin', 'admin'),
  };

// ---- the server, on a free loopback port ----
async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
  });
}
const port = external ? null : await freePort();
const base = external ? external.replace(/\/$/, '') : `http://127.0.0.1:${port}`;
const serverLog = fs.openSync(path.join(out, 'server.log'), 'w');
const server = external ? null : spawn(args.facetrace, ['serve', '--db', db, '--port', String(port), '--host', '127.0.0.1'],
  { stdio: ['ignore', serverLog, serverLog] });
let serverExit = null;
if (server) server.on('exit', (code, signal) => { serverExit = code ?? signal; });

async function waitForHealth() {
  for (let i = 0; i < 1200; i++) {  // up to 2 minutes: the machine may be busy
    if (serverExit !== null) break;
    try {
      const r = await fetch(`${base}/v1/health`);
      if (r.ok) return r.json();
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`facetrace serve did not become healthy (exit: ${serverExit}); see ${path.join(out, 'server.log')}`);
}

let browser;
let page;
async function shutdown() {
  if (browser) await browser.close().catch(() => {});
  if (server && serverExit === null) server.kill('SIGTERM');
}

// ---- the steps ----
const steps = [];
const step = (name, fn) => steps.push([name, fn]);
// Screenshots wait until every image has loaded (or failed) and the pointer hovers nothing.
async function shot(name) {
  await page.mouse.move(0, 0);
  await page.waitForFunction(() => [...document.querySelectorAll('img.api-image')].every((i) => i.dataset.state !== 'loading')
    && [...document.querySelectorAll('.source')].every((dd) => dd.textContent !== 'loading…'));
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}

async function signIn(token, expectedUser) {
  await page.goto(`${base}/#/signin`);
  const signOut = page.locator('#sign-out');
  if (await signOut.isVisible()) await signOut.click();
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#signed-in-as').filter({ hasText: expectedUser }).waitFor();
  await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
}

// Drops a file on the drop zone the way a browser does (a DataTransfer carrying a File).
async function dropFile(file, name, type, zone = '#search-photo-drop') {
  const bytes = fs.readFileSync(file).toString('base64');
  const transfer = await page.evaluateHandle(([b64, fileName, mime]) => {
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([raw], fileName, { type: mime }));
    return dt;
  }, [bytes, name, type]);
  await page.dispatchEvent(zone, 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent(zone, 'drop', { dataTransfer: transfer });
}

// Every form control has a label a screen reader announces, and every image has alt text.
async function assertAccessible(screen) {
  const unlabelled = await page.evaluate(() => [
    ...[...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => `control #${el.id || el.name}`),
    ...[...document.querySelectorAll('img')].filter((img) => !img.getAttribute('alt')).map((img) => `img ${img.src}`),
    ...[...document.querySelectorAll('button')].filter((b) => !b.textContent.trim() && !b.getAttribute('aria-label')).map(() => 'button without a name'),
  ]);
  assert.deepEqual(unlabelled, [], `${screen}: unlabelled elements`);
}

let caseUrl;
let searchUrl;
const CASE_TITLE = 'Browser test case 17';

step('health and UI served by the binary', async () => {
  const health = await waitForHealth();
  assert.equal(health.status, 'ok');
  assert.ok(health.faces >= GALLERY.length, `health.faces ${health.faces}`);
  const index = await fetch(`${base}/`);
  assert.equal(index.status, 200);
  assert.match(await index.text(), /<script type="module" src="\/ui\/app.js">/);
  const script = await fetch(`${base}/ui/app.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type') || '', /javascript/, 'ES modules need a JavaScript MIME type');
});

step('wording of figures and statuses (format.js, in the browser)', async () => {
  await page.goto(`${base}/`);
  const words = await page.evaluate(async () => {
    const f = await import('/ui/format.js');
    return [f.falseMatchRate(2e-5), f.falseMatchRate(0.0012), f.falseMatchRate(0), f.falseMatchRate(0.62),
      f.falseMatchRate(undefined), f.distance(0.41), f.dateTime('2024-01-02T03:04:05.123Z'),
      f.statusLabel('awaiting_second_review'), f.statusLabel('confirmed'), f.plural(1, 'face'), f.plural(2, 'face')];
  });
  assert.deepEqual(words, ['2.0 × 10⁻⁵ (about 1 in 50,000)', '1.2 × 10⁻³ (about 1 in 830)',
    'below what the calibration can measure', '62 % (no evidence of a match)', 'unknown', '0.410',
    '2024-01-02 03:04:05 UTC', 'Awaiting second review', 'Confirmed by two reviewers', '1 face', '2 faces']);
});

step('a wrong token is refused with the server message', async () => {
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Sign in to facetrace' }).waitFor();
  await assertAccessible('sign in');
  await shot('01-sign-in');
  await page.getByLabel('API token').fill('not-a-real-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.locator('.notice.error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Error 401/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('facetrace.token')), null);
});

step('analyst signs in and creates a case', async () => {
  await signIn(tokens.analyst, 'alice (analyst)');
  await page.getByLabel('Title').fill(CASE_TITLE);
  await page.getByLabel('Description').fill('Unknown person photographed at a checkpoint.');
  await page.getByRole('button', { name: 'Create case' }).click();
  await page.getByRole('heading', { level: 1, name: CASE_TITLE }).waitFor();
  caseUrl = page.url();
  assert.match(caseUrl, /#\/cases\/\d+$/);
  await page.locator('a', { hasText: 'Cases' }).first().click();
  await page.locator('#case-list').getByRole('link', { name: CASE_TITLE }).waitFor();
  await assertAccessible('cases');
  await shot('02-cases');
});

step('case and purpose are required before a search', async () => {
  await page.goto(`${caseUrl}`);
  await page.getByRole('link', { name: 'New search in this case' }).click();
  await page.getByRole('heading', { name: 'New search' }).waitFor();
  assert.notEqual(await page.getByLabel('Case').inputValue(), '', 'the case is preselected');
  await page.locator('#search-photo').setInputFiles(QUERY);
  await page.getByRole('button', { name: 'Search the gallery' }).click();
  const info = page.locator('.notice.info');
  await info.waitFor();
  assert.match(await info.textContent(), /a purpose/);
});

step('a file that is not an image gets the API error message', async () => {
  const notImage = path.join(work, 'notes.jpg');
  fs.writeFileSync(notImage, 'these are notes, not a photo\n');
  await page.getByLabel('Purpose of this search').fill('Identify the person in checkpoint photo 3');
  await dropFile(notImage, 'notes.jpg', 'image/jpeg');
  await page.getByRole('button', { name: 'Search the gallery' }).click();
  const alert = page.locator('.notice.error');
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /Error (400|415)/, text);
  assert.ok((await alert.locator('.message').textContent()).length > 0, 'shows the server message');
});

step('upload by file picker: faces outlined, candidates side by side', async () => {
  await page.locator('#search-photo').setInputFiles(QUERY);
  await page.locator('.preview img').waitFor();
  assert.equal(await page.locator('.notice.error').count(), 0, 'a new photo clears the old error');
  await assertAccessible('new search');
  await shot('03-new-search');
  await page.getByRole('button', { name: 'Search the gallery' }).click();
  await page.waitForURL(/#\/searches\/\d+$/, { waitUntil: 'commit' });
  searchUrl = page.url();
  await page.locator('.face-box').first().waitFor();
  assert.equal(await page.locator('.face-box').count(), await page.locator('section.face').count());
  const face = page.locator('section.face').first();
  assert.equal(await face.getAttribute('data-face-index'), '0');
  assert.match(await face.locator('.face-status').textContent(), /Possible match/);
  const cards = face.locator('article.candidate');
  assert.ok(await cards.count() >= 2, 'several candidates');
  const first = cards.first();
  assert.equal(await first.locator('h4').textContent(), 'Barack Obama');
  assert.equal(await first.locator('.marker').textContent(), 'Possible match');
  assert.match(await first.locator('.fmr').textContent(), /× 10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+ \(about 1 in [0-9,]+\)/);
  assert.match(await first.locator('.distance').textContent(), /^0\.\d{3}$/);
  assert.match(await first.locator('dl.metadata').textContent(), /Washington/);
  await first.locator('.source', { hasText: 'face_recognition examples (obama' }).waitFor();
  // A stranger further down is marked outside the policy, not as a match.
  assert.equal(await cards.last().locator('.marker').textContent(), 'Outside policy');
  // Both chips of every card have loaded real image bytes.
  await page.waitForFunction(() => [...document.querySelectorAll('img.chip, img.photo')].every((i) => i.dataset.state === 'loaded'));
  const sizes = await page.locator('img.chip').evaluateAll((imgs) => imgs.map((i) => i.naturalWidth));
  assert.ok(sizes.every((w) => w > 0), `chip widths ${sizes}`);
  // The outline sits inside the photo.
  const frame = await page.locator('.photo-frame').boundingBox();
  const box = await page.locator('.face-box').first().boundingBox();
  assert.ok(box.x >= frame.x - 1 && box.y >= frame.y - 1 && box.x + box.width <= frame.x + frame.width + 1, 'outline inside photo');
  assert.match(await page.locator('.notice.caution').textContent(), /candidates, not identifications/);
  await assertAccessible('search result');
  await shot('04-candidates');
  // Keyboard: a face outline is a button that takes the focus to that face's candidates.
  await page.locator('.face-box').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'face-0');
});

step('analyst proposes the top candidate', async () => {
  const first = page.locator('section.face').first().locator('article.candidate').first();
  await first.getByRole('button', { name: 'Propose this candidate…' }).click();
  await first.getByLabel('Why this candidate').fill('Same ear shape and hairline; mole under the left eye.');
  await first.getByRole('button', { name: 'Propose for review' }).click();
  const status = page.locator('section.face').first().locator('article.candidate').first().locator('.proposal .status');
  await status.waitFor();
  assert.equal(await status.getAttribute('data-status'), 'proposed');
  assert.equal(await status.textContent(), 'Proposed: awaiting first review');
  // An analyst cannot review.
  assert.equal(await page.getByRole('button', { name: 'Confirm' }).count(), 0);
});

step('drag and drop a stranger: no match', async () => {
  await page.goto(`${caseUrl}`);
  await page.getByRole('link', { name: 'New search in this case' }).click();
  await page.getByLabel('Purpose of this search').fill('Identify the person in checkpoint photo 4');
  await dropFile(STRANGER, 'checkpoint-4.jpg', 'image/jpeg');
  await page.locator('.preview img').waitFor();
  await page.getByRole('button', { name: 'Search the gallery' }).click();
  await page.waitForURL(/#\/searches\/\d+$/, { waitUntil: 'commit' });
  assert.notEqual(page.url(), searchUrl);
  const status = page.locator('section.face').first().locator('.face-status');
  await status.waitFor();
  assert.equal(await status.getAttribute('data-match'), 'false');
  assert.match(await status.textContent(), /No match/);
  assert.equal(await page.locator('.marker.possible-match').count(), 0);
  await shot('05-no-match');
});

async function review(token, who, comment, expectedStatus) {
  await signIn(token, who);
  await page.goto(caseUrl);
  const proposal = page.locator('#case-proposals section.proposal').first();
  await proposal.waitFor();
  await proposal.getByLabel('Your review comment').fill(comment);
  await proposal.getByRole('button', { name: 'Confirm' }).click();
  await page.locator(`#case-proposals section.proposal[data-status="${expectedStatus}"]`).waitFor();
  // A reviewer who has decided is not offered the form again.
  assert.equal(await page.locator('#case-proposals section.proposal').first().getByRole('button', { name: 'Confirm' }).count(), 0);
}

step('reviewer 1 confirms: awaiting second review', async () => {
  await review(tokens.reviewer1, 'bob (reviewer)', 'Ear and hairline agree; chin shape consistent.', 'awaiting_second_review');
  const proposal = page.locator('#case-proposals section.proposal').first();
  assert.equal(await proposal.locator('.status').textContent(), 'Awaiting second review');
  assert.match(await proposal.locator('.decisions').textContent(), /Confirmed by bob/);
  await shot('06-awaiting-second-review');
});

step('reviewer 2 confirms on the search page: confirmed', async () => {
  await signIn(tokens.reviewer2, 'carol (reviewer)');
  await page.goto(searchUrl);
  const proposal = page.locator('article.candidate section.proposal').first();
  await proposal.waitFor();
  await proposal.getByLabel('Your review comment').fill('Independent comparison: consistent features, no contradiction.');
  await proposal.getByRole('button', { name: 'Confirm' }).click();
  const confirmed = page.locator('article.candidate section.proposal[data-status="confirmed"]');
  await confirmed.waitFor();
  assert.equal(await confirmed.locator('.status').textContent(), 'Confirmed by two reviewers');
  assert.equal(await confirmed.locator('.decisions li').count(), 2);
  await page.locator('article.candidate').first().scrollIntoViewIfNeeded();
  await shot('07-confirmed');
});

step('a second proposal is rejected by a reviewer', async () => {
  await signIn(tokens.analyst, 'alice (analyst)');
  await page.goto(searchUrl);
  const second = page.locator('section.face').first().locator('article.candidate').nth(1);
  await second.getByRole('button', { name: 'Propose this candidate…' }).click();
  await second.getByRole('button', { name: 'Propose for review' }).click();
  // Without a comment the browser refuses the form: nothing is proposed.
  assert.equal(await second.getByLabel('Why this candidate').evaluate((el) => el.validity.valueMissing), true);
  assert.equal(await second.locator('section.proposal').count(), 0);
  await second.getByLabel('Why this candidate').fill('Similar jaw line; worth a second look.');
  await second.getByRole('button', { name: 'Propose for review' }).click();
  await page.locator('section.face').first().locator('article.candidate').nth(1).locator('.proposal[data-status="proposed"]').waitFor();
  await signIn(tokens.reviewer1, 'bob (reviewer)');
  await page.goto(searchUrl);
  const proposal = page.locator('section.face').first().locator('article.candidate').nth(1).locator('section.proposal');
  await proposal.getByLabel('Your review comment').fill('Different ear shape and eye spacing.');
  await proposal.getByRole('button', { name: 'Reject' }).click();
  const rejected = page.locator('section.face').first().locator('article.candidate').nth(1).locator('section.proposal[data-status="rejected"]');
  await rejected.waitFor();
  assert.equal(await rejected.locator('.status').textContent(), 'Rejected');
  assert.match(await rejected.locator('.decisions').textContent(), /Rejected by bob/);
});

step('export the case report (HTML and JSON)', async () => {
  await page.goto(caseUrl);
  await page.locator('#case-proposals section.proposal[data-status="confirmed"]').waitFor();
  assert.equal(await page.locator('#case-searches tbody tr').count(), 2);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('08-case');
  const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report (HTML)' }).click()]);
  const htmlFile = path.join(out, 'report.html');
  await html.saveAs(htmlFile);
  const report = fs.readFileSync(htmlFile, 'utf8');
  assert.match(report, /<html/i);
  assert.ok(report.includes(CASE_TITLE), 'the HTML report names the case');
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report (JSON)' }).click()]);
  const jsonFile = path.join(out, 'report.json');
  await json.saveAs(jsonFile);
  const body = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  assert.ok(JSON.stringify(body).includes(CASE_TITLE), 'the JSON report names the case');
  assert.ok(JSON.stringify(body).includes('confirmed'), 'the JSON report holds the confirmed proposal');
});

step('identity page shows all its photos', async () => {
  await page.getByRole('link', { name: 'Identities' }).click();
  await page.locator('#identity-list').getByRole('link', { name: 'Barack Obama' }).click();
  await page.getByRole('heading', { level: 1, name: 'Barack Obama' }).waitFor();
  const photos = page.locator('#identity-photos figure');
  assert.equal(await photos.count(), 2);
  await page.waitForFunction(() => [...document.querySelectorAll('#identity-photos img.photo')].every((i) => i.dataset.state === 'loaded'));
  await page.locator('#identity-photos .face-box').first().waitFor();
  assert.match(await photos.first().locator('figcaption').textContent(), /face_recognition examples/);
  await assertAccessible('identity');
  await shot('09-identity');
});

const NEW_IDENTITY = 'Test Person Forty-Two';
let identityUrl;

step('analyst creates an identity, adds a photo and edits its metadata', async () => {
  await signIn(tokens.analyst, 'alice (analyst)');
  await page.getByRole('link', { name: 'Identities' }).click();
  const form = page.getByRole('form', { name: 'New identity' });
  await form.getByLabel('Name').fill(NEW_IDENTITY);
  await form.getByLabel('Place').fill('Kyiv');
  await form.getByLabel('Notes').fill('Record created by the browser test');
  await form.getByRole('button', { name: 'Create identity' }).click();
  await page.getByRole('heading', { level: 1, name: NEW_IDENTITY }).waitFor();
  identityUrl = page.url();
  assert.match(await page.locator('dl.metadata').first().textContent(), /Kyiv/);
  assert.equal(await page.locator('#identity-photos figure').count(), 0);
  await dropFile(photo('face_recognition/rose_leslie/img2.jpg'), 'record-photo.jpg', 'image/jpeg', '#add-photo-drop');
  await page.getByLabel('Source of this photo').fill('browser test upload');
  await page.getByRole('button', { name: 'Add photo' }).click();
  await page.locator('#identity-photos figure').first().waitFor();
  await page.locator('#identity-photos .face-box').first().waitFor();
  assert.match(await page.locator('#identity-photos figcaption').first().textContent(), /browser test upload/);
  const edit = page.getByRole('form', { name: 'Edit name and metadata' });
  await edit.getByLabel('Place').fill('Lviv');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('dl.metadata', { hasText: 'Lviv' }).first().waitFor();
  assert.doesNotMatch(await page.locator('dl.metadata').first().textContent(), /Kyiv/);
  assert.match(await page.locator('dl.metadata').first().textContent(), /Record created by the browser test/);
  // Only an administrator is offered the delete button.
  assert.equal(await page.locator('#delete-identity').count(), 0);
});

step('administrator deletes the identity', async () => {
  await signIn(tokens.admin, 'erin (administrator)');
  await page.goto(identityUrl);
  await page.getByRole('heading', { level: 1, name: NEW_IDENTITY }).waitFor();
  page.once('dialog', (dialog) => dialog.accept());
  await page.locator('#delete-identity').click();
  await page.getByRole('heading', { level: 1, name: 'Identities' }).waitFor();
  assert.equal(await page.locator('#identity-list').getByRole('link', { name: NEW_IDENTITY }).count(), 0);
  await page.goto(identityUrl);
  const alert = page.locator('.notice.error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Error 404/);
});

step('auditor sees the searches in the audit log', async () => {
  await signIn(tokens.auditor, 'dan (auditor)');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.locator('#audit-list').waitFor();
  const text = await page.locator('#audit-list').textContent();
  assert.ok(text.includes('checkpoint photo 3'), 'the search purpose is in the audit log');
});

browser = await chromium.launch({ executablePath: args.chromium, headless: !args.headed,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--font-render-hinting=none'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
page = await context.newPage();
page.setDefaultTimeout(60_000);  // generous: the suite runs in parallel on 2 cores
const consoleErrors = [];
page.on('pageerror', (error) => consoleErrors.push(String(error)));

let failed = 0;
for (const [name, fn] of steps) {
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n${error.stack || error}`);
    await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
    break;  // later steps depend on this one
  }
}
if (consoleErrors.length) {
  failed++;
  console.log(`FAIL uncaught errors in the page:\n${consoleErrors.join('\n')}`);
}
await shutdown();
if (failed) {
  const log = fs.readFileSync(path.join(out, 'server.log'), 'utf8');
  console.log(`--- server log (last 3000 chars) ---\n${log.slice(-3000)}`);
  process.exit(1);
}
console.log(`ui_e2e: all ${steps.length} steps passed; screenshots in ${shots}`);
