// Browser tests of the member initiatives (initiatives.md §7, specs/booth.md
// §9), from the freeze to a verified AMV: the officer sees the `ini-…`
// draft awaiting them with its deadline, hides the other proposal and a
// comment with public reasons, gives the draft a schedule, runs its key
// ceremony (trustees with the CLI), records the scheduling on the support
// log, freezes and opens it; A, B and C vote in the booth in their own
// contexts; close, tally, decrypt, publish; then `psephos-verify` accepts
// the round's record and `psephos-verify support` the support log, run as
// the proposal page prints it.
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, ceremony, trustee, verify, audit, axe, shot, check } from './lib.mjs';
import { act } from './console.mjs';
import { reach, pick, encryptAndShow, cast, EN } from './voters.mjs';
import { textOf } from './initiatives.mjs';

const FR = { questions: 'Votre bulletin', review: 'Vérifiez vos choix', encrypt: 'Chiffrer mon bulletin', tracking: 'Votre bulletin est chiffré', cast: 'Votre bulletin est déposé', yes: 'Oui', no: 'Non' };
const EL = { questions: 'Το ψηφοδέλτιό σας', review: 'Ελέγξτε τις επιλογές σας', encrypt: 'Κρυπτογράφηση του ψηφοδελτίου μου', tracking: 'Το ψηφοδέλτιό σας κρυπτογραφήθηκε', cast: 'Το ψηφοδέλτιό σας κατατέθηκε', yes: 'Ναι', no: 'Όχι' };

async function showRound(page, srv, round) {
  await page.goto(`${srv.url}/console`);
  await page.getByRole('button', { name: new RegExp(`^${round} — `) }).click();
  await page.locator('#round-state').waitFor();
}

async function initiativesView(page, srv) {
  await page.goto(`${srv.url}/console`);
  await page.locator('#view-initiatives').click();
  await page.locator('#ini-title').waitFor();
}

/** The officer: the frozen proposal awaiting them, moderation, schedule, ceremony, scheduling recorded, freeze, open. */
export async function officerSchedules(ctx) {
  const { srv, officer, id, id2, round, comment } = ctx.ini;
  const { page } = officer;
  await initiativesView(page, srv);
  const item = page.locator(`#frozen-${id}`);
  await item.waitFor();
  const line = await item.textContent();
  check(line.includes(round) && /awaiting the officers/.test(line) && /deadline/.test(line), `the frozen proposal awaits the officers: ${line}`);
  await page.locator(`#reason-hide-${id2}`).fill('Off topic: not a matter for the movement.');
  await act(page, `#hide-${id2}`);
  await page.locator(`#reason-hide-${comment}`).fill('Repeats the amendment word for word.');
  await act(page, `#hide-${comment}`);
  await axe(page, 'console initiatives, frozen proposal awaiting');
  await shot(page, 'console-initiatives-awaiting');
  // The draft: a schedule open now for a day, then its key ceremony.
  await page.locator(`#open-round-${round}`).click();
  await page.locator('#initiative-hint').waitFor();
  await page.locator('#edit-draft').click();
  const [opens, closes] = await page.evaluate(() => {
    const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    return [local(new Date(Date.now() - 120000)), local(new Date(Date.now() + 86400000))];
  });
  await page.locator('#draft-opens').fill(opens);
  await page.locator('#draft-closes').fill(closes);
  await act(page, '#save-draft');
  await act(page, '#start-ceremony');
  await page.locator('#trustee-tokens').waitFor();
  const tokens = await page.locator('.trustee-token').evaluateAll((els) => els.map((e, i) => ({ trustee: i + 1, token: e.textContent })));
  const dir = fs.mkdtempSync(path.join(ctx.dir, 'ini-trustees-'));
  await ceremony(srv, dir, tokens);
  ctx.ini.trustees = { dir, tokens };
  await initiativesView(page, srv);
  await act(page, `#schedule-${id}`);
  check(/scheduled by the officers/.test(await page.locator(`#frozen-${id}`).textContent()), 'the console shows the scheduling');
  await showRound(page, srv, round);
  await act(page, '#do-freeze');
  await page.locator('#roll-csv').fill('member_id,email,weight\nana,ana@example.org,1\nbodo,bodo@example.org,1\nchiara,chiara@example.org,1\n');
  await act(page, '#import-roll');
  const dl = page.waitForEvent('download');
  await act(page, '#make-credentials');
  const file = path.join(artifacts, 'credentials-initiative.csv');
  await (await dl).saveAs(file);
  ctx.ini.links = Object.fromEntries(fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => { const c = l.split(','); return [c[0], c[4]]; }));
  await act(page, '#do-open');
  await page.locator('#do-close').waitFor();
  // The public side: the hidden proposal, the hidden comment, the scheduled AMV with its booth.
  const a = ctx.ini.members.ana.page;
  await a.goto(`${srv.url}/initiatives`);
  const hidden = a.locator(`#card-${id2}`);
  await hidden.waitFor();
  check((await hidden.textContent()).includes('Off topic') && !(await hidden.textContent()).includes('boat'), 'the list shows the hidden proposal with its reason, without its text');
  await axe(a, 'initiatives list, frozen and hidden');
  await shot(a, 'initiatives-list');
  // The hidden proposal's own page: its reason and still its deliberation
  // (amendments and comments stay listed, initiatives.md §3.5), no text.
  await a.goto(`${srv.url}/initiatives/${id2}`);
  await a.locator('#hidden-note').waitFor();
  check(await a.locator('#comments-title').count() === 1 && await a.locator('#comment-body').count() === 0, 'a hidden proposal lists its comments and takes none');
  check(!(await a.locator('#content').textContent()).includes('boat'), 'a hidden proposal\'s page withholds its text');
  await axe(a, 'initiative page, hidden');
  await a.goto(`${srv.url}/initiatives/${id}`);
  await a.locator('#amv-booth').waitFor();
  check(/scheduled by the officers/.test(await a.locator('#amv-state').textContent()), 'the page shows the scheduling');
  const c = a.locator(`#comment-${comment}`);
  check((await c.textContent()).includes('Repeats the amendment') && !(await c.textContent()).includes('Please also'), 'the hidden comment shows the reason, not its text');
  await axe(a, 'initiative page, AMV open');
  await shot(a, 'initiative-amv-open');
}

async function vote(ctx, name, t, choice) {
  const { page } = ctx.ini.members[name];
  await page.goto(ctx.ini.links[name]);
  await reach(page, t.questions);
  await pick(page, 'initiative', choice);
  await encryptAndShow(page, { lang: `${name} (initiative)` }, t);
  await cast(page, { lang: `${name} (initiative)` }, t);
}

/** A and B vote yes, C no, each in their own context and language; the officer closes, tallies, publishes. */
export async function membersVote(ctx) {
  const { srv, officer, round, trustees } = ctx.ini;
  await vote(ctx, 'ana', EN, 'Yes');
  await shot(ctx.ini.members.ana.page, 'booth-initiative-cast');
  await vote(ctx, 'bodo', FR, FR.yes);
  await vote(ctx, 'chiara', EL, EL.no);
  const { page } = officer;
  await showRound(page, srv, round);
  await act(page, '#do-close');
  await page.locator('#do-tally').waitFor();
  await act(page, '#do-tally');
  await page.locator('#do-publish').waitFor();
  for (const tk of trustees.tokens.slice(0, 2)) await trustee(srv, trustees.dir, tk, 'decrypt');
  await showRound(page, srv, round);
  await act(page, '#do-publish');
  await page.locator('#results-link').waitFor();
  const res = await (await fetch(`${srv.url}/api/v1/rounds/${round}/result`)).json();
  const totals = res.questions.find((q) => q.question === 'initiative').totals;
  check(JSON.stringify(totals) === '[2,1,0]', `AMV totals ${JSON.stringify(totals)}`);
  const a = ctx.ini.members.ana.page;
  await a.goto(`${srv.url}/initiatives/${ctx.ini.id}`);
  await a.locator('#amv-results').click();
  await a.locator('#download-record').waitFor();
}

/** psephos-verify on the round's record, psephos-verify support on the log as the page prints it; a tampered log refused. */
export async function verifyBoth(ctx) {
  const { srv, id, round } = ctx.ini;
  const rec = path.join(artifacts, `record-${round}.jsonl`);
  fs.writeFileSync(rec, Buffer.from(await (await fetch(`${srv.url}/api/v1/rounds/${round}/board/record`)).arrayBuffer()));
  const r1 = await verify([rec]);
  fs.writeFileSync(path.join(artifacts, 'verify-initiative-record.txt'), r1.out);
  check(r1.code === 0, `psephos-verify on the AMV record exited ${r1.code}: ${r1.out.slice(-800)}`);
  const { page } = ctx.ini.members.ana;
  await page.goto(`${srv.url}/initiatives/${id}`);
  const printed = (await textOf(page, '#verify-command')).trim();
  const args = printed.split(/\s+/);
  check(args[0] === 'psephos-verify' && args[1] === 'support' && args[2] === `${srv.url}/api/v1/initiatives/proposals/${id}`, `the printed command: ${printed}`);
  const manifest = path.join(artifacts, 'manifest-initiative.json');
  fs.writeFileSync(manifest, Buffer.from(await (await fetch(`${srv.url}/api/v1/rounds/${round}/manifest`)).arrayBuffer()));
  const r2 = await verify(args.slice(1).map((x) => (x === 'manifest.json' ? manifest : x)));
  fs.writeFileSync(path.join(artifacts, 'verify-support.txt'), r2.out);
  check(r2.code === 0 && args.includes('--manifest'), `psephos-verify support (as printed) exited ${r2.code}: ${r2.out.slice(-800)}`);
  const dl = page.waitForEvent('download');
  await page.locator('#log-record').click();
  const log = path.join(artifacts, `support-${id}.jsonl`);
  await (await dl).saveAs(log);
  const key = (await (await fetch(`${srv.url}/healthz`)).json()).board_key;
  const r3 = await verify(['support', log, '--board-key', key, '--manifest', rec, '--member', 'bodo']);
  fs.writeFileSync(path.join(artifacts, 'verify-support-member.txt'), r3.out);
  // B's one entry: the second support, at index 5 (open, roll, versions 1 and 2, A's support before it).
  const listed = r3.out.split('\n').filter((l) => /^\s+\d+ support\.(add|withdraw)/.test(l));
  check(r3.code === 0 && listed.length === 1 && /^\s+5 support\.add version 2 /.test(listed[0]), `psephos-verify support on the downloaded log, --member bodo: ${r3.code} ${r3.out.slice(-800)}`);
  const lines = fs.readFileSync(log, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('"index":5,') && l.includes('"entry":"'));
  check(i > 0, 'an entry to tamper with');
  const at = lines[i].indexOf('"entry":"') + 40;
  lines[i] = lines[i].slice(0, at) + (lines[i][at] === '0' ? '1' : '0') + lines[i].slice(at + 1);
  const bad = path.join(artifacts, 'support-tampered.jsonl');
  fs.writeFileSync(bad, lines.join('\n'));
  const r4 = await verify(['support', bad, '--board-key', key]);
  check(r4.code === 1, `a tampered support log is refused (exit ${r4.code}): ${r4.out.slice(-400)}`);
}

/** No third-party request, no CSP refusal, no link token in any URL; stops the server and the sink. */
export async function iniAudit(ctx) {
  const { srv, officer, members } = ctx.ini;
  audit(officer.log, srv);
  for (const m of Object.values(members)) {
    audit(m.log, srv);
    for (const r of m.log.requests) check(!r.url.includes('psl_'), `a link token in a request URL: ${r.url}`);
  }
}

/** Stops the initiatives' server and SMTP sink. */
export async function iniStop(ctx) {
  if (!ctx.ini) return;
  for (const m of Object.values(ctx.ini.members)) await m.ctx.close().catch(() => {});
  await ctx.ini.officer.ctx.close().catch(() => {});
  await ctx.ini.srv.stop();
  await ctx.ini.sink.close();
}
