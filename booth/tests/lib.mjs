// Helpers of the browser tests: the server on a loopback port with its
// embedded SQLite store, trustees running the real psephos-trustee CLI,
// Chromium through playwright-core, axe-core, and request auditing.
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const artifacts = path.join(here, 'artifacts');
const bin = (name) => path.join(process.env.PSEPHOS_BIN_DIR || path.join(process.env.CARGO_TARGET_DIR || path.join(root, 'target-booth'), 'release'), name);
export const BIN = { server: bin('psephos-server'), trustee: bin('psephos-trustee'), verify: bin('psephos-verify') };

/** Fails the test run with `msg` unless `cond`. */
export function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/**
 * Starts `psephos-server serve` on a fresh data dir, with `extra` flags
 * (e.g. `--smtp-url`) and its log in artifacts/`logName`; resolves with
 * {url, token, stop}.
 */
export async function startServer(dataDir, extra = [], logName = 'server.log') {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const common = ['--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--public-url', url];
  const { stdout } = await run(BIN.server, ['token', ...common]);
  const token = stdout.trim().split('\n').pop();
  const proc = spawn(BIN.server, ['serve', ...common, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(artifacts, logName));
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch (_) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, token, proc, stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); }) };
}

/** Calls the API from the test (officer setup of the benchmark rounds). */
export async function api(server, method, p, body, type = 'application/json') {
  const res = await fetch(`${server.url}/api/v1${p}`, {
    method, body, headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': type },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** One trustee step with the real CLI (`announce`, `deal`, `check`, `finish`, `decrypt`). */
export async function trustee(server, dir, t, step) {
  const pass = path.join(dir, `trustee-${t.trustee}.pass`);
  if (!fs.existsSync(pass)) fs.writeFileSync(pass, `test passphrase ${t.trustee}\n`, { mode: 0o600 });
  await run(BIN.trustee, ['--server', server.url, '--token', t.token, '--vault', path.join(dir, `trustee-${t.trustee}.vault`), '--passphrase-file', pass, step]);
}

/** The whole ceremony for `tokens`, phase by phase, as the trustees would run it. */
export async function ceremony(server, dir, tokens) {
  for (const step of ['announce', 'deal', 'check', 'finish']) {
    for (const t of tokens) await trustee(server, dir, t, step);
  }
}

/** Runs `psephos-verify` with `args`; resolves with {code, out}. */
export function verify(args) {
  return new Promise((resolve) => {
    execFile(BIN.verify, args, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, out: stdout + stderr }));
  });
}

/** Launches Debian's Chromium (no download: executablePath). */
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A browser context for one person in `locale`; every request is
 * recorded, so the tests can assert that nothing but the loopback server
 * is contacted and that no secret appears in any request.
 */
export async function person(browser, server, locale, viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ locale, viewport, acceptDownloads: true });
  const log = { requests: [], csp: [] };
  ctx.on('request', (r) => log.requests.push({ url: r.url(), body: r.postData() || '', headers: r.headers() }));
  ctx.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) log.csp.push(m.text()); });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) log.csp.push(m.text()); });
  page.on('pageerror', (e) => log.csp.push(`page error: ${e.message}`));
  return { ctx, page, log };
}

/** Asserts no third-party request, no CSP refusal, and that `secrets` appear in no request. */
export function audit(log, server, secrets = []) {
  for (const r of log.requests) {
    const u = new URL(r.url);
    check(u.origin === server.url || u.protocol === 'blob:' || u.protocol === 'data:', `third-party request ${r.url}`);
    for (const sec of secrets) {
      const bare = sec.replace(/-/g, '');
      for (const hay of [r.url, r.body, JSON.stringify(r.headers)]) {
        check(!hay.includes(sec) && !hay.toUpperCase().includes(bare), `a credential appears in a request to ${r.url}`);
      }
    }
  }
  check(log.csp.length === 0, `CSP or page errors: ${log.csp.join(' | ')}`);
}

const axeSource = fs.readFileSync(path.join(root, 'booth/node_modules/axe-core/axe.min.js'), 'utf8');
export const axeReport = [];

/** Runs axe-core (every rule it runs by default) on the page and records the violations. */
export async function axe(page, name) {
  await page.evaluate(`${axeSource}\n;0`);
  const res = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const detail = res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  axeReport.push({ page: name, violations: res.violations.length, detail });
}

/** Fails unless every page axe-core ran on had zero violations. */
export function axeClean() {
  const bad = axeReport.filter((r) => r.violations > 0);
  check(axeReport.length > 0 && bad.length === 0, `axe violations: ${bad.map((r) => `${r.page}: ${r.detail.join('; ')}`).join(' | ')}`);
}

/** Saves a full-page screenshot under booth/tests/artifacts. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** The median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
