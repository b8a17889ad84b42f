// End-to-end browser tests of the booth (specs/booth.md): Debian's
// Chromium via playwright-core against psephos-server on its embedded
// SQLite store. The officer runs a round from draft to published in the
// console, trustees use the psephos-trustee CLI, voters vote on every
// question kind in three languages (one audits then casts, one downloads
// the receipt and checks it on the board), psephos-verify accepts the
// record and the receipt; the draft editor and a round with external
// credentials (console_edit.mjs); member initiatives from a draft to a
// verified AMV (initiatives.mjs, initiatives_amv.mjs); axe-core on every
// page; screenshots; benchmarks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifacts, startServer, ceremony, trustee, verify, launch, person, audit, axe, axeReport, axeClean, shot, check } from './lib.mjs';
import { officerCreates, officerOpens, officerFinishes, resultsPage } from './console.mjs';
import { editDraft, editInitiativeDraft, externalRound } from './console_edit.mjs';
import { voteEnglishAuditThenCast, voteFrenchTyped, voteGreek, checkOnBoard } from './voters.mjs';
import { benchmarks, recordBenchmark } from './bench.mjs';
import { iniSetup, memberDrafts, memberAmends, authorAccepts, membersSupport } from './initiatives.mjs';
import { officerSchedules, membersVote, verifyBoth, iniAudit, iniStop } from './initiatives_amv.mjs';

/** Every catalog has exactly the keys of the English one. */
function catalogsAgree() {
  const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
  const dir = path.join(artifacts, '..', '..', 'src', 'locales');
  const en = keys(JSON.parse(fs.readFileSync(path.join(dir, 'en.json'), 'utf8'))).sort().join('\n');
  for (const l of ['fr', 'de', 'es', 'it', 'el']) {
    check(keys(JSON.parse(fs.readFileSync(path.join(dir, `${l}.json`), 'utf8'))).sort().join('\n') === en, `catalog ${l} differs from en`);
  }
}

fs.rmSync(artifacts, { recursive: true, force: true });
fs.mkdirSync(artifacts, { recursive: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psephos-booth-test-'));
const server = await startServer(path.join(dir, 'data'));
const browser = await launch();
const steps = [];
let failed = false;

// PSEPHOS_ONLY=prefix runs only the steps whose name starts with it (and
// the final checks), to iterate on one part; the full run is the test.
const only = process.env.PSEPHOS_ONLY || '';
const always = /^(no third-party|bundle page|axe-core|message catalogs)/;

async function step(name, fn) {
  if (only && !name.startsWith(only) && !always.test(name)) return;
  const t0 = Date.now();
  try {
    await fn();
    steps.push(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed = true;
    steps.push(`FAIL ${name}: ${e.stack || e}`);
    throw e;
  } finally {
    console.log(steps[steps.length - 1]);
  }
}

const round = `amv-booth-${Date.now()}`;
const ctx = { server, dir, round, browser, tokens: null, links: null, receipts: {} };
try {
  const officer = await person(browser, server, 'en-GB');
  ctx.officer = officer;
  await step('console: sign in, draft a round with every question kind', () => officerCreates(ctx));
  await step('console: key ceremony (trustees with the CLI), freeze', async () => {
    await ceremony(server, dir, ctx.tokens);
    await officerOpens(ctx, 'freeze');
  });
  await step('console: roll with a bad line refused by line, roll imported, credentials exported, open', () => officerOpens(ctx, 'roll'));
  await step('booth (en): personal link, every kind, audit then cast, receipt download', () => voteEnglishAuditThenCast(ctx));
  await step('booth (fr, 360 px): typed code with a typo caught, cast', () => voteFrenchTyped(ctx));
  await step('booth (el): personal link, cast', () => voteGreek(ctx));
  await step('check page: tracking code and receipt verified in the browser', () => checkOnBoard(ctx));
  if (!process.env.PSEPHOS_SKIP_BENCH) await step('benchmarks (median of 5)', () => benchmarks(ctx));
  await step('console: live turnout, close, tally, trustees decrypt, publish', async () => {
    await officerFinishes(ctx, async () => {
      for (const t of ctx.tokens.slice(0, 2)) await trustee(server, dir, t, 'decrypt');
    });
  });
  await step('results page: charts, totals equal the voters\' choices', () => resultsPage(ctx));
  await step('psephos-verify accepts the record and the receipt', async () => {
    const rec = path.join(artifacts, `record-${round}.jsonl`);
    fs.writeFileSync(rec, Buffer.from(await (await fetch(`${server.url}/api/v1/rounds/${round}/board/record`)).arrayBuffer()));
    const r1 = await verify([rec]);
    fs.writeFileSync(path.join(artifacts, 'verify-record.txt'), r1.out);
    check(r1.code === 0, `psephos-verify record exited ${r1.code}: ${r1.out.slice(-800)}`);
    const r2 = await verify(['receipt', ctx.receiptFile, '--record', rec]);
    fs.writeFileSync(path.join(artifacts, 'verify-receipt.txt'), r2.out);
    check(r2.code === 0, `psephos-verify receipt exited ${r2.code}: ${r2.out.slice(-800)}`);
  });
  await step('results page: the in-browser verifier (wasm) accepts the record and rejects a tampered one', async () => {
    const { page } = ctx.officer;
    await page.goto(`${server.url}/results/${round}`);
    await page.locator('#verify-published').click();
    await page.locator('#verify-verdict').waitFor({ timeout: 120000 });
    check(await page.locator('#verify-verdict.ok').count() === 1, `honest record: ${await page.locator('#verify-verdict').textContent()}`);
    check(await page.locator('ol.verify-steps li').count() === 10, 'the ten numbered steps');
    await axe(page, 'results with the browser verifier');
    await shot(page, 'results-verified');
    const rec = path.join(artifacts, `record-${round}.jsonl`);
    const lines = fs.readFileSync(rec, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('{"index":') && l.includes('"entry":"0662616c6c6f74'));
    check(i > 0, 'a ballot entry to tamper with');
    const at = lines[i].length - 200;
    const c = lines[i][at];
    lines[i] = lines[i].slice(0, at) + (c === '0' ? '1' : '0') + lines[i].slice(at + 1);
    const bad = path.join(artifacts, 'record-tampered.jsonl');
    fs.writeFileSync(bad, lines.join('\n'));
    await page.locator('#record-file').setInputFiles(bad);
    await page.locator('#verify-file').click();
    await page.locator('#verify-verdict.problem').waitFor({ timeout: 120000 });
    await shot(page, 'results-tampered');
    const native = await verify([bad]);
    check(native.code === 1, `psephos-verify also refuses the tampered record (exit ${native.code})`);
  });
  await step('console: edit a draft (schedule, question, revote, mode), a refused edit shown, the manifest after freeze', () => editDraft(ctx));
  await step('console: an initiative-shaped draft keeps its description, languages and rules when its schedule is edited', () => editInitiativeDraft(ctx));
  await step('console: external credentials by psephos-trustee credentials, bad uploads refused, uploaded, voted, published', () => externalRound(ctx));
  await step('initiatives: server with an SMTP sink; console: member roll (bad lines refused by line), area threshold 3 (a bad one refused)', () => iniSetup(ctx));
  await step('initiatives: A signs in by the mailed link (fragment removed), raw HTML refused with its error, drafts and publishes', () => memberDrafts(ctx));
  await step('initiatives (fr): B signs in with the typed code (a wrong one refused), comments, proposes an amendment', () => memberAmends(ctx));
  await step('initiatives: A accepts the amendment, version 2, the diff shows the insertion in green', () => authorAccepts(ctx));
  await step('initiatives: A, B, C (el) support version 2, a second support refused, the third freezes it, AMV awaiting officers', () => membersSupport(ctx));
  await step('initiatives: console shows the ini- draft awaiting with its deadline, hides a proposal and a comment, schedule, ceremony, scheduling recorded, open', () => officerSchedules(ctx));
  await step('initiatives: A, B, C vote in the booth; close, tally, decrypt, publish; results linked from the proposal', () => membersVote(ctx));
  await step('initiatives: psephos-verify accepts the AMV record, psephos-verify support (as the page prints it) the support log; a tampered log refused', () => verifyBoth(ctx));
  await step('initiatives: no third-party request, no CSP refusal, no link token in a URL', () => iniAudit(ctx));
  if (process.env.PSEPHOS_BENCH_RECORD) {
    await step('benchmark: verify a large record in the browser (median of the runs)', () => recordBenchmark(ctx, process.env.PSEPHOS_BENCH_RECORD));
  }
  await step('no third-party request, no CSP refusal, no credential in any request', () => {
    audit(officer.log, server);
    for (const v of ctx.voters || []) audit(v.log, server, [v.code]);
  });
  await step('bundle page and index: axe, served hash equals the committed one', async () => {
    const { page } = officer;
    await page.goto(`${server.url}/bundle`);
    await page.locator('#bundle-hash').waitFor();
    const served = (await page.locator('#bundle-hash').textContent()).trim();
    const info = fs.readFileSync(path.join(artifacts, '..', '..', 'dist', 'BUILD-INFO'), 'utf8');
    check(info.includes(`bundle: ${served}`), 'served bundle hash differs from booth/dist/BUILD-INFO');
    await axe(page, 'bundle');
    await page.goto(`${server.url}/`);
    await page.locator('.rounds, #content p').first().waitFor();
    await axe(page, 'index');
    await shot(page, 'index');
  });
  await step(`axe-core: zero violations on all ${axeReport.length} pages and states checked`, () => axeClean());
  await step('message catalogs: the same keys in every language', () => catalogsAgree());
} catch (_) {
  failed = true;
} finally {
  fs.writeFileSync(path.join(artifacts, 'axe.json'), JSON.stringify(axeReport, null, 1));
  fs.writeFileSync(path.join(artifacts, 'steps.txt'), `${steps.join('\n')}\n`);
  await iniStop(ctx).catch((e) => console.log(`initiatives teardown: ${e}`));
  await browser.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(failed ? 'booth tests FAILED' : 'booth tests passed');
process.exit(failed ? 1 : 0);
