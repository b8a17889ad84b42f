// Benchmarks in Chromium, median of 5: encrypt + prove + sign (and the
// booth's own verification of the ballot) of a ballot with one 10-option
// systemic-consensus question and of one with a 10-option ranked question,
// in the booth's worker; and the booth's first load from localhost until
// the questions are shown.
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, api, ceremony, person, median, check } from './lib.mjs';

const TEN = Array.from({ length: 10 }, (_, i) => `o${i}`);

async function benchRound(ctx, id, kind) {
  const now = Math.floor(Date.now() / 1000);
  const question = {
    id: 'q', title: { en: id }, options: TEN.map((o) => ({ id: o, label: { en: o } })),
    kind: kind === 'sc' ? { systemic_consensus: { max_resistance: 10, passive_solution: 'o0', unrated: 'counts_as_max' } } : { ranked: {} },
  };
  await api(ctx.server, 'POST', '/officer/rounds', JSON.stringify({
    election: id, title: { en: id }, questions: [question], schedule: { opens_at: now - 60, closes_at: now + 86400 }, revote: 'last_counts', credential_mode: 'server',
  }));
  const started = await api(ctx.server, 'POST', `/officer/rounds/${id}/ceremony`, JSON.stringify({ trustees: 1, threshold: 1 }));
  const dir = path.join(ctx.dir, id);
  fs.mkdirSync(dir);
  await ceremony(ctx.server, dir, started.tokens);
  await api(ctx.server, 'POST', `/officer/rounds/${id}/freeze`, '{}');
}

/** Runs `runs` encryptions of `choices` for round `id` in a fresh worker; resolves with the times (ms). */
function encryptTimes(page, id, code, choices, runs) {
  return page.evaluate(async ({ id, code, choices, runs }) => {
    const w = new Worker('/static/worker.js', { type: 'module' });
    let n = 0;
    const call = (op, args) => new Promise((resolve, reject) => {
      const me = ++n;
      const on = (ev) => {
        if (ev.data.id !== me || ev.data.progress) return;
        w.removeEventListener('message', on);
        if (ev.data.ok) resolve(ev.data.result); else reject(new Error(ev.data.error));
      };
      w.addEventListener('message', on);
      w.postMessage({ id: me, op, args });
    });
    const manifest = new Uint8Array(await (await fetch(`/api/v1/rounds/${id}/manifest`)).arrayBuffer());
    await call('open', { manifest, code });
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await call('encrypt', { choices });
      times.push(performance.now() - t0);
    }
    w.terminate();
    return times;
  }, { id, code, choices, runs });
}

/** The benchmarks; writes booth/tests/artifacts/bench.json. */
export async function benchmarks(ctx) {
  const sc = `${ctx.round}-bench-sc`;
  const rk = `${ctx.round}-bench-ranked`;
  await benchRound(ctx, sc, 'sc');
  await benchRound(ctx, rk, 'ranked');
  const { page, ctx: bctx } = await person(ctx.browser, ctx.server, 'en-GB');
  await page.goto(`${ctx.server.url}/bundle`);
  const code = ctx.links[0].code;
  const scChoice = { q: Object.fromEntries(TEN.map((o, i) => [o, i % 11])) };
  const rkChoice = { q: [['o3'], ['o1', 'o2'], ['o0'], ['o9', 'o8'], ['o4'], ['o5'], ['o6'], ['o7']] };
  const scTimes = await encryptTimes(page, sc, code, scChoice, 5);
  const rkTimes = await encryptTimes(page, rk, code, rkChoice, 5);
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const p = await bctx.newPage();
    const t0 = Date.now();
    await p.goto(`${ctx.server.url}/booth/${ctx.round}`);
    await p.locator('#code').waitFor();
    loads.push(Date.now() - t0);
    await p.close();
  }
  const out = {
    encrypt_prove_sc10_ms: { median: median(scTimes), runs: scTimes },
    encrypt_prove_ranked10_ms: { median: median(rkTimes), runs: rkTimes },
    first_load_ms: { median: median(loads), runs: loads },
    note: 'each encryption includes the booth\'s own Ballot::verify of the ballot; load = navigation until the code form is shown (wasm fetched, compiled, manifest parsed)',
  };
  fs.writeFileSync(path.join(artifacts, 'bench.json'), JSON.stringify(out, null, 1));
  console.log(JSON.stringify({ sc10: out.encrypt_prove_sc10_ms.median, ranked10: out.encrypt_prove_ranked10_ms.median, first_load: out.first_load_ms.median }));
  check(scTimes.length === 5 && rkTimes.length === 5, 'five runs each');
}

/**
 * Verifying a large record in the browser (PSEPHOS_BENCH_RECORD=file, e.g.
 * from `psephos-server demo --voters 1000 --export file`): the results
 * page's in-browser verifier, PSEPHOS_BENCH_RUNS runs (default 5), median
 * of the times it reports.
 */
export async function recordBenchmark(ctx, file) {
  const { page } = ctx.officer;
  await page.goto(`${ctx.server.url}/results/${ctx.round}`);
  const times = [];
  const runs = Math.max(1, Number(process.env.PSEPHOS_BENCH_RUNS || 5));
  for (let i = 0; i < runs; i++) {
    await page.locator('#record-file').setInputFiles(file);
    await page.locator('#verify-file').click();
    await page.locator('#verify-verdict').waitFor({ timeout: 900000 });
    const text = await page.locator('#verify-verdict').textContent();
    check(await page.locator('#verify-verdict.ok').count() === 1, `the record verifies in the browser: ${text}`);
    times.push(Number(/\(([\d.]+) s\)/.exec(text)[1]));
    await page.reload();
  }
  const out = { file: path.basename(file), verify_in_browser_s: { median: median(times), runs: times } };
  fs.writeFileSync(path.join(artifacts, 'bench-record.json'), JSON.stringify(out, null, 1));
  console.log(JSON.stringify(out));
}
