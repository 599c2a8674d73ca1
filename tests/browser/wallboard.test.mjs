// The wallboard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against the real binary: `ccpulse demo --port 0` on its
// in-process mock cluster. Run by ctest (label `browser`) through
// tests/browser/run.sh, which skips when chromium or node_modules is missing.
//   CCPULSE_BINARY             the ccpulse executable (required)
//   CCPULSE_BROWSER_ARTIFACTS  folder for screenshots and the demo's log
//   CCPULSE_CHROMIUM           browser executable (default /usr/bin/chromium)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(path.join(root, 'package.json'));
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const binary = process.env.CCPULSE_BINARY;
const artifacts = process.env.CCPULSE_BROWSER_ARTIFACTS || path.join(root, 'build/release/tests/browser-artifacts');
const chromiumPath = process.env.CCPULSE_CHROMIUM || '/usr/bin/chromium';
fs.mkdirSync(artifacts, { recursive: true });

let demo;          // the ccpulse process
let base;          // http://127.0.0.1:PORT
let wallboardUrl;  // as the demo prints it, or base + /wallboard
let browser;
let queues;        // configured queue names, in config order

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn until it returns a truthy value other than notYet(what it saw);
// fails with what it last saw.
const NOT_YET = Symbol('not yet');
async function until(what, ms, fn) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last && !(typeof last === 'object' && NOT_YET in last)) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last && typeof last === 'object' && NOT_YET in last ? last[NOT_YET] : last);
      throw new Error(`${what}: not within ${ms} ms; last seen: ${String(seen).slice(0, 2000)}`);
    }
    await sleep(100);
  }
}
const notYet = (v) => ({ [NOT_YET]: v ?? null });

async function getJson(p) {
  const r = await fetch(base + p);
  if (!r.ok) throw new Error(`GET ${p} answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
  return r.json();
}

function signal(sig) { process.kill(demo.pid, sig); }

before(async () => {
  assert.ok(binary, 'CCPULSE_BINARY must name the ccpulse executable');
  const log = fs.createWriteStream(path.join(artifacts, 'demo.log'));
  demo = spawn(binary, ['demo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  demo.stdout.on('data', (d) => { out += d; log.write(d); });
  demo.stderr.on('data', (d) => log.write(d));
  const exited = new Promise((_, reject) => demo.on('exit', (c, s) => reject(new Error(`ccpulse demo exited (${c ?? s}); see ${artifacts}/demo.log`))));
  exited.catch(() => {});
  // `ccpulse demo` prints its URLs: the wallboard's if it has a line, and /metrics's.
  const metricsLine = /^[ \t]+metrics[ \t]+(http:\/\/\S+)\/metrics\r?\n/m;
  await Promise.race([exited, until('ccpulse demo printing its URLs', 30000, () => metricsLine.test(out) || notYet(out))]);
  base = out.match(metricsLine)[1];
  const wb = out.match(/^[ \t]+wallboard[ \t]+(http:\/\/\S+)\r?\n/m);
  wallboardUrl = wb ? wb[1] : `${base}/wallboard`;
  await until('/readyz answering 200', 60000, async () => (await fetch(`${base}/readyz`)).ok || notYet('not ready'));
  // The contract the page needs; one clear failure naming what the server lacks.
  const missing = [];
  for (const p of ['/wallboard', '/wallboard/wallboard.js', '/wallboard/wallboard.css', '/api/v1/queues', '/api/v1/stream']) {
    const r = await fetch(base + p, { signal: AbortSignal.timeout(5000) });
    const type = r.headers.get('content-type') || '';
    if (r.status !== 200) missing.push(`GET ${p} answers ${r.status}`);
    else if (p === '/api/v1/stream' && !type.startsWith('text/event-stream')) missing.push(`GET ${p} is ${type}, not text/event-stream`);
    r.body?.cancel().catch(() => {});
  }
  assert.deepEqual(missing, [], `the server lacks what the wallboard needs: ${missing.join('; ')}`);
  const q = await getJson('/api/v1/queues');
  queues = (Array.isArray(q) ? q : q.queues).map((x) => (typeof x === 'string' ? x : x.name));
  assert.ok(queues.length > 0, 'the demo configures queues');
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  if (browser) await browser.close();
  if (demo && demo.exitCode === null) {
    try { signal('SIGCONT'); } catch {}
    demo.kill('SIGINT');
    await new Promise((r) => { const t = setTimeout(() => { demo.kill('SIGKILL'); r(); }, 15000); demo.on('exit', () => { clearTimeout(t); r(); }); });
  }
});

async function openPage(query = '', viewport = { width: 1920, height: 1080 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(wallboardUrl + query);
  await until('the page receiving a board event', 30000, () => page.evaluate(() => document.body.dataset.state === 'live' || document.body.dataset.state));
  await until('the page being live', 30000, async () => (await page.evaluate(() => document.body.dataset.state)) === 'live' || notYet(await page.evaluate(() => document.body.dataset.state)));
  return page;
}

// Every tile's raw numbers (data-value, as sent), the page's generated_at and event id.
const readBoard = (page) => page.evaluate(() => {
  const tiles = {};
  for (const tile of document.querySelectorAll('.tile[data-queue]')) {
    const v = {};
    for (const el of tile.querySelectorAll('[data-field][data-value]')) v[el.dataset.field] = el.dataset.value === '' ? null : Number(el.dataset.value);
    tiles[tile.dataset.queue] = v;
  }
  return { generatedAt: document.body.dataset.generatedAt, eventId: Number(document.body.dataset.eventId), state: document.body.dataset.state, order: [...document.querySelectorAll('.tile[data-queue]')].map((t) => t.dataset.queue), tiles };
});

const close = (a, b) => (a === null || b === null || b === undefined ? a === (b ?? null) : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));

function mismatches(tiles, snap, win) {
  const bad = [];
  for (const name of queues) {
    const t = tiles[name];
    if (!t) { bad.push(`${name}: no tile`); continue; }
    const s = snap.queues[name];
    if (!s) { bad.push(`${name}: not in the snapshot`); continue; }
    const k = (s.windows[win] || {}).kpis || {};
    const today = (s.windows.today || {}).kpis || {};
    const live = s.live;
    const want = {
      waiting: live ? live.waiting : null,
      agents_available: live ? live.agents.available : null,
      agents_on_contact: live ? live.agents.on_contact : null,
      agents_acw: live ? live.agents.after_contact_work : null,
      agents_away: live ? live.agents.away : null,
      at_risk: live ? live.clocks_at_risk : null,
      breached: live ? live.clocks_breached : null,
      backlog: live ? live.backlog : null,
      backlog_overdue: live ? live.backlog_overdue : null,
      service_level: k.service_level ?? null,
      asa: k.average_speed_of_answer_seconds ?? null,
      abandon_rate: k.abandonment_rate ?? null,
      csat: today.csat_share ?? null,
      nps: today.net_promoter_score ?? null,
    };
    for (const [f, w] of Object.entries(want)) if (!close(t[f] ?? null, w)) bad.push(`${name}.${f}: page ${t[f]} snapshot ${w}`);
    // The longest wait ticks on the page; at the same generated_at it starts
    // from the snapshot's oldest wait (null there when nobody waits).
    const ow = live && live.oldest_waiting_since ? live.oldest_wait_seconds : null;
    if (ow === null) { if (t.longest_wait !== null) bad.push(`${name}.longest_wait: page ${t.longest_wait}, nobody waiting`); }
    else if (t.longest_wait === null || t.longest_wait < Math.floor(ow) || t.longest_wait > Math.floor(ow) + 2) bad.push(`${name}.longest_wait: page ${t.longest_wait} snapshot ${ow}`);
  }
  return bad;
}

// Waits until the page and /api/v1/snapshot show the same view (the page's
// generated_at is the snapshot's built_at, before and after the fetch) and
// agree on every tile's figures for the window.
async function agreesWithSnapshot(page, win) {
  let lastBad = [];
  await until(`the page's ${win} figures equal the snapshot's at the same moment`, 45000, async () => {
    const before = await readBoard(page);
    const snap = await getJson('/api/v1/snapshot');
    const after = await readBoard(page);
    const at = snap.built_at ?? snap.generated_at;
    if (before.generatedAt !== at || after.generatedAt !== at) return notYet({ page: after.generatedAt, snapshot: at, lastMismatches: lastBad });
    assert.deepEqual(after.order, queues, 'one tile per configured queue, in config order');
    lastBad = mismatches(after.tiles, snap, win);
    return lastBad.length === 0 || notYet({ mismatches: lastBad });
  });
}

test('every configured queue has a tile whose numbers equal /api/v1/snapshot at the same moment', async () => {
  const page = await openPage();
  await agreesWithSnapshot(page, '15m');
  // The window parameter switches the tiles' SL/ASA/abandon to that window.
  await page.goto(`${wallboardUrl}?window=1h`);
  await agreesWithSnapshot(page, '1h');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the longest wait ticks between server updates', async () => {
  const page = await openPage();
  // A queue with someone waiting (the demo's sales and web-chat run short).
  await until('a tile with a longest wait', 60000, async () => {
    const b = await readBoard(page);
    return Object.values(b.tiles).some((t) => t.longest_wait !== null) || notYet(b.tiles);
  });
  signal('SIGSTOP');  // no server updates from here
  let b0, b1;
  try {
    await sleep(300);
    b0 = await readBoard(page);
    await sleep(2600);
    b1 = await readBoard(page);
  } finally {
    signal('SIGCONT');
  }
  assert.equal(b1.eventId, b0.eventId, 'no event arrived while the server was stopped');
  const ticked = Object.keys(b0.tiles).filter((q) => b0.tiles[q].longest_wait !== null && b1.tiles[q].longest_wait >= b0.tiles[q].longest_wait + 2);
  assert.ok(ticked.length > 0, `some longest wait moved by 2 s or more in 2.6 s without an update: ${JSON.stringify({ b0: b0.tiles, b1: b1.tiles })}`);
  await page.close();
});

test('a stopped server turns the page stale within 6 s and a resumed one makes it live again', async () => {
  const page = await openPage();
  await sleep(1500);
  const live = await readBoard(page);
  signal('SIGSTOP');
  const stoppedAt = Date.now();
  let stale;
  try {
    stale = await until('the stale banner', 6000, async () => {
      const s = await page.evaluate(() => ({ state: document.body.dataset.state, text: document.querySelector('[data-testid="status-text"]').textContent }));
      return s.state === 'stale' ? s : notYet(s);
    });
    assert.ok(Date.now() - stoppedAt <= 6000);
    assert.match(stale.text, /Data \d+ s old/, 'it says plainly how old the data is');
    // Greyed, and still legible (no contrast violation while stale).
    const colour = await page.evaluate(() => getComputedStyle(document.querySelector('.tile [data-field="waiting"]')).color);
    assert.equal(colour, 'rgb(163, 173, 185)', 'the tiles are greyed');
    await page.screenshot({ path: path.join(artifacts, 'wallboard-stale-1920x1080-en.png') });
    const axe = await runAxe(page);
    assert.deepEqual(axe, [], 'no accessibility violation while stale');
  } finally {
    signal('SIGCONT');
  }
  // Recovers without a reload: live again, and new events move the numbers.
  await until('the page live again', 20000, async () => (await page.evaluate(() => document.body.dataset.state)) === 'live' || notYet('stale'));
  const resumed = await readBoard(page);
  await until('two more events after resuming', 10000, async () => {
    const b = await readBoard(page);
    return (b.eventId >= resumed.eventId + 2 && b.generatedAt !== resumed.generatedAt) || notYet(b.eventId);
  });
  assert.ok(resumed.eventId > live.eventId);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the page makes a new EventSource with backoff when the stream refuses it, and recovers without a reload', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  let refused = 0;
  // The first three stream requests get a 503: EventSource gives up on those (CLOSED).
  await page.route('**/api/v1/stream', (route) => {
    if (refused < 3) { refused++; return route.fulfill({ status: 503, body: 'no' }); }
    return route.continue();
  });
  const started = Date.now();
  await page.goto(wallboardUrl);
  const waits = [];
  await until('the page live after three refusals', 30000, async () => {
    const s = await page.evaluate(() => ({ state: document.body.dataset.state, wait: document.body.dataset.reconnectMs }));
    if (s.wait && waits[waits.length - 1] !== s.wait) waits.push(s.wait);
    return s.state === 'live' || notYet(s);
  });
  assert.equal(refused, 3);
  assert.deepEqual(waits, ['1000', '2000', '4000'], 'the backoff doubles from 1 s');
  assert.ok(Date.now() - started >= 7000, 'it waited 1 + 2 + 4 s before the fourth try');
  await page.close();
});

test('the language switch changes every label, and queues= shows only those tiles in that order', async () => {
  const pick = [queues[queues.length - 1], queues[0]];
  const page = await openPage(`?queues=${pick.join(',')}`);
  const b = await readBoard(page);
  assert.deepEqual(b.order, pick, 'only the asked queues, in the asked order');

  // Labels: every text outside translate="no" (data: names, ids, numbers) and every aria-label.
  const labels = () => page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode(n) {
        const el = n.parentElement;
        // The live lists (alerts, next to breach) change between two reads;
        // their labels are checked by the fixture test.
        if (!n.textContent.trim() || el.closest('[translate="no"], script, style, [hidden], #alert-list, #next-list, #freshness')) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    while (walker.nextNode()) out.push(walker.currentNode.textContent.trim());
    for (const el of document.querySelectorAll('[aria-label]')) if (!el.closest('[hidden]')) out.push(el.getAttribute('aria-label'));
    return { lang: document.documentElement.lang, out, url: location.search };
  });
  const en = await labels();
  assert.equal(en.lang, 'en');
  assert.ok(en.out.length >= 20, `labels found: ${en.out.length}`);
  await page.click('[data-testid="lang-zh-CN"]');
  const zh = await labels();
  assert.equal(zh.lang, 'zh-CN');
  assert.match(zh.url, /lang=zh-CN/, 'the URL keeps the language');
  assert.match(zh.url, /queues=/, 'and the other parameters');
  const english = zh.out.filter((s) => /[A-Za-z]/.test(s));
  assert.deepEqual(english, [], 'no English label left in zh-CN');
  assert.ok(zh.out.length >= en.out.length - 2, `the same labels, translated: ${en.out.length} in English, ${zh.out.length} in Chinese`);
  // Numbers and times are formatted for the locale (seconds as 秒).
  const asa = await page.evaluate(() => [...document.querySelectorAll('[data-field="asa"]')].map((e) => e.textContent));
  assert.ok(asa.some((s) => /秒|分钟|小时/.test(s)) || asa.every((s) => s.includes('—')), `ASA in Chinese units: ${asa}`);
  const pickedTiles = await page.evaluate(() => [...document.querySelectorAll('.tile')].length);
  assert.equal(pickedTiles, 2);
  await page.click('[data-testid="lang-en"]');
  const back = await labels();
  assert.equal(back.lang, 'en');
  assert.ok(back.out.filter((s) => /[A-Za-z]/.test(s)).length >= 20);
  // A fresh load with lang=zh-CN starts in Chinese.
  await page.goto(`${wallboardUrl}?lang=zh-CN`);
  await until('zh-CN from the URL', 10000, async () => (await labels()).lang === 'zh-CN' || notYet('en'));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the page renders the board contract (fixtures/board.json): colours, nulls, alerts, countdowns, freshness, time zone', async () => {
  // The page as the binary serves it; the stream replaced by the fixture, varied.
  const board = JSON.parse(fs.readFileSync(path.join(here, 'fixtures/board.json'), 'utf8'));
  const breach = structuredClone(board.queues[0]);
  breach.name = 'late';
  breach.windows['15m'].service_level = 0.849;  // more than 5 points below 0.9
  board.queues.push(breach);
  board.freshness.partitions_behind = [3, 7];
  board.freshness.partitions_missing = [11];
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/api/v1/stream', (route) => route.fulfill({
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
    body: `retry: 10000\nevent: board\nid: 41\ndata: ${JSON.stringify(board)}\n\n`,
  }));
  await page.goto(wallboardUrl);
  await until('the fixture on the page', 10000, async () => (await page.evaluate(() => document.body.dataset.eventId)) === '41' || notYet('no event'));
  const r = await page.evaluate(() => {
    const tile = (q) => document.querySelector(`.tile[data-queue="${q}"]`);
    const field = (q, f) => tile(q).querySelector(`[data-field="${f}"]`);
    return {
      status: ['sales', 'email', 'late'].map((q) => tile(q).dataset.status),
      slColour: ['sales', 'late'].map((q) => getComputedStyle(field(q, 'service_level')).color),
      emailSl: [field('email', 'service_level').dataset.value, field('email', 'service_level').textContent],
      emailLongest: field('email', 'longest_wait').dataset.value,
      salesLongest: Number(field('sales', 'longest_wait').dataset.value),
      salesSl: field('sales', 'service_level').textContent,
      backlogShown: [!tile('email').querySelector('dl.backlog').hidden, !tile('sales').querySelector('dl.backlog').hidden],
      alerts: [...document.querySelectorAll('[data-testid="alert"]')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()),
      next: [...document.querySelectorAll('[data-testid="next"]')].map((li) => li.querySelector('[data-field="countdown"]').dataset.value),
      freshness: document.querySelector('[data-testid="freshness-banner"]').hidden ? null : document.querySelector('[data-testid="freshness-banner"]').textContent,
      asOf: document.querySelector('[data-testid="as-of"]').textContent,
      sparkPoints: tile('sales').querySelector('[data-field="spark_sl"]').dataset.points,
      sparkLines: tile('sales').querySelectorAll('[data-field="spark_sl"] polyline').length,
      sparkLabel: tile('sales').querySelector('[data-field="spark_sl"] svg').getAttribute('aria-label'),
      emailSpark: tile('email').querySelector('[data-field="spark_waiting"] svg').getAttribute('aria-label'),
    };
  });
  // SL colour: 0.873 is within 5 points below 0.9 (at risk), 0.849 is not (breached), null has none.
  assert.deepEqual(r.status, ['at_risk', 'none', 'breached']);
  assert.deepEqual(r.slColour, ['rgb(251, 191, 36)', 'rgb(251, 113, 133)']);
  assert.deepEqual(r.emailSl, ['', '—no data'], 'a null KPI is a dash, read as "no data"');
  assert.equal(r.emailLongest, '', 'nobody waiting: no longest wait');
  assert.ok(r.salesLongest >= 7 && r.salesLongest <= 9, `longest wait from oldest_wait_seconds 7.096: ${r.salesLongest}`);
  assert.equal(r.salesSl, '87.3%');
  assert.deepEqual(r.backlogShown, [true, false], 'backlog shown where there is one');
  assert.equal(r.alerts.length, 1);
  assert.match(r.alerts[0], /warning sales waits-long 90th percentile wait 11\.9s > 10s since 21:23:20/i);
  assert.equal(r.freshness, 'Catching up (figures lag), partition no. 3, 7 · No data from partition no. 11');
  assert.equal(r.asOf, '21:23:46', 'clock times in the board\'s time zone (Europe/Berlin), not the browser\'s');
  assert.equal(r.sparkPoints, '4');
  assert.equal(r.sparkLines, 2, 'a null sample breaks the line');
  assert.equal(r.sparkLabel, 'Service level, last hour: 95% to 87%');
  assert.equal(r.emailSpark, 'Waiting, last hour: no history yet');
  // The countdown ticks from remaining_seconds (22.9) on this machine's elapsed time.
  assert.ok(Number(r.next[0]) <= 23 && Number(r.next[0]) >= 21, `countdown ${r.next[0]}`);
  await sleep(2100);
  const later = await page.evaluate(() => document.querySelector('[data-testid="next"] [data-field="countdown"]').dataset.value);
  assert.ok(Number(later) <= Number(r.next[0]) - 2, `countdown ticks: ${r.next[0]} then ${later}`);
  // A TV showing other queues shows neither their alerts nor their contacts.
  await page.goto(`${wallboardUrl}?queues=email,late`);
  await until('the fixture on the page', 10000, async () => (await page.evaluate(() => document.body.dataset.eventId)) === '41' || notYet('no event'));
  const other = await page.evaluate(() => ({
    alertsShown: !document.querySelector('[data-testid="alerts-banner"]').hidden,
    next: document.querySelectorAll('[data-testid="next"]').length,
  }));
  assert.deepEqual(other, { alertsShown: false, next: 0 });
  assert.deepEqual(errors, []);
  await page.close();
});

async function runAxe(page) {
  // Evaluated through DevTools, not a <script>: the page's CSP (scripts
  // from 'self' only, as served) stays on.
  await page.evaluate(fs.readFileSync(axePath, 'utf8'));
  const r = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + n.failureSummary) }));
}

test('axe-core finds no contrast, label or other WCAG A/AA violations, in English and Chinese', async () => {
  for (const lang of ['en', 'zh-CN']) {
    for (const viewport of [{ width: 1920, height: 1080 }, { width: 1366, height: 768 }]) {
      const page = await openPage(`?lang=${lang}`, viewport);
      await sleep(1200);
      const v = await runAxe(page);
      assert.deepEqual(v, [], `${lang} ${viewport.width}x${viewport.height}`);
      assert.deepEqual(page.errors, []);
      await page.close();
    }
  }
});

test('screenshots at TV and laptop size in both languages, with big numbers and no sideways scroll', async () => {
  for (const lang of ['en', 'zh-CN']) {
    for (const viewport of [{ width: 1920, height: 1080 }, { width: 1366, height: 768 }]) {
      const page = await openPage(`?lang=${lang}`, viewport);
      await sleep(1500);
      const file = path.join(artifacts, `wallboard-${viewport.width}x${viewport.height}-${lang}.png`);
      await page.screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 10000, `${file} written`);
      const m = await page.evaluate(() => ({
        sizes: [...document.querySelectorAll('.tile dd[data-field]')].filter((e) => e.offsetParent).map((e) => parseFloat(getComputedStyle(e).fontSize)),
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        fit: Number(document.body.dataset.fit),
        alerts: document.querySelectorAll('[data-testid="alert"]').length,
        stripBottom: document.querySelector('[data-testid="next-to-breach"]').getBoundingClientRect().bottom,
      }));
      assert.ok(m.sizes.length > 0);
      if (viewport.width === 1920) {
        // 48 px at full size; alert rows may shrink everything to 0.8 of it.
        assert.ok(m.fit >= 0.8 && m.fit <= 1, `fit ${m.fit}`);
        assert.ok(Math.min(...m.sizes) >= Math.floor(48 * m.fit), `tile numbers at 1920x1080 are >= 48 px x fit ${m.fit}: ${Math.min(...m.sizes)}`);
        // The whole board on the TV, the next-to-breach strip included.
        assert.ok(m.stripBottom <= viewport.height + 0.5, `next-to-breach strip ends at ${m.stripBottom} px with ${m.alerts} alerts, fit ${m.fit}`);
      }
      assert.ok(m.overflow <= 0, `no horizontal scroll at ${viewport.width}: ${m.overflow} px`);
      assert.deepEqual(page.errors, []);
      await page.close();
    }
  }
});
