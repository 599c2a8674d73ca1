// Dev-only server for working on the wallboard page without ccpulse:
//   node tests/browser/dev_server.mjs [port]      (default 8099)
// Serves web/wallboard/ at /wallboard (/ redirects there) and streams
// tests/browser/fixtures/board.json on /api/v1/stream as the server will
// (event "board", an id, one line of JSON, once a second), with numbers
// that move. Not used by the ctest: the browser tests run the real binary.
// POST /dev/pause?s=N stops the stream for N seconds (try the stale banner).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const web = path.join(root, 'web/wallboard');
const fixture = JSON.parse(fs.readFileSync(path.join(here, 'fixtures/board.json'), 'utf8'));
const port = Number(process.argv[2] || process.env.PORT || 8099);
// The headers ccpulse should send with the page (see the report to the lead):
// the page needs nothing but its own origin.
const pageHeaders = { 'cache-control': 'no-cache', 'content-security-policy': "default-src 'self'; img-src 'self' data:" };
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

let seq = 0;
let pausedUntil = 0;
const start = Date.now();

function board() {
  const b = structuredClone(fixture);
  const now = new Date();
  const t = (Date.now() - start) / 1000;
  b.generated_at = now.toISOString();
  for (const q of b.queues) {
    if (q.live) {
      q.live.waiting = Math.max(0, Math.round(q.live.waiting + 3 * Math.sin(t / 20)));
      if (q.live.oldest_wait_seconds !== null) {
        // The oldest contact is answered every 40 s and a new one becomes the oldest.
        const w = 3 + (t % 40);
        q.live.oldest_wait_seconds = w;
        q.live.oldest_waiting_since = new Date(now - w * 1000).toISOString();
      }
    }
    for (const w of Object.values(q.windows)) {
      if (w.service_level !== null) w.service_level = Math.min(1, Math.max(0, w.service_level + 0.06 * Math.sin(t / 30)));
      w.offered += Math.floor(t / 3);
    }
    const h = q.history;
    if (h.service_level.length) {
      h.service_level = Array.from({ length: 60 }, (_, i) => (i % 17 === 5 ? null : 0.85 + 0.1 * Math.sin((i + t / 60) / 6)));
      h.waiting = Array.from({ length: 60 }, (_, i) => Math.round(5 + 4 * Math.sin((i + t / 60) / 5)));
    }
  }
  for (const n of b.next_to_breach) n.remaining_seconds = 30 - (t % 45);
  return b;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/') { res.writeHead(302, { location: '/wallboard' }); return res.end(); }
  if (url.pathname === '/dev/pause') { pausedUntil = Date.now() + 1000 * Number(url.searchParams.get('s') || 10); return res.end('paused\n'); }
  if (url.pathname === '/api/v1/stream') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    const send = () => {
      if (Date.now() < pausedUntil) return;
      res.write(`event: board\nid: ${++seq}\ndata: ${JSON.stringify(board())}\n\n`);
    };
    send();
    const timer = setInterval(send, 1000);
    req.on('close', () => clearInterval(timer));
    return;
  }
  if (url.pathname === '/wallboard' || url.pathname.startsWith('/wallboard/')) {
    let name = url.pathname.slice('/wallboard'.length).replace(/^\//, '') || 'index.html';
    const file = path.join(web, path.basename(name));
    if (fs.existsSync(file)) {
      res.writeHead(200, { ...pageHeaders, 'content-type': types[path.extname(file)] || 'application/octet-stream' });
      return res.end(fs.readFileSync(file));
    }
  }
  res.writeHead(404); res.end('not found\n');
});
server.listen(port, '127.0.0.1', () => console.log(`wallboard dev server: http://127.0.0.1:${port}/wallboard`));
