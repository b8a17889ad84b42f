// The officer's side of the browser tests: the console from draft to
// published, and the results page checked against the voters' choices.
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, axe, shot, check } from './lib.mjs';

/** The round's questions as the officer types them into the editor. */
export const QUESTIONS = [
  { kind: 'yes_no', id: 'statutes', title: 'Adopt the revised statutes?', options: 'yes\nno\nabstain' },
  { kind: 'choice', id: 'chair', title: 'Who chairs the assembly?', options: 'ana: Ana\nbodo: Bodo\nchiara: Chiara' },
  { kind: 'approval', id: 'tools', title: 'Which tools should we fund?', options: 'wiki\nchat\nmail\nvideo', seats: '2' },
  { kind: 'score', id: 'venue', title: 'Rate the venues', options: 'lisbon: Lisbon\ngdansk: Gdańsk\nturin: Turin', points: '5' },
  { kind: 'systemic_consensus', id: 'budget', title: 'How should the surplus be used?', options: 'status-quo: Keep as is\nreserve: Reserve\ngrants: Grants\ncampaign: Campaign', passive: 'status-quo' },
  { kind: 'ranked', id: 'logo', title: 'Rank the logo proposals', options: 'wave: Wave\npebble: Pebble\nurn: Urn\nnone: None of these', default_option: 'none' },
];

export async function message(page) {
  await page.waitForFunction(() => document.querySelector('#console-message')?.textContent || document.querySelector('#console-error')?.textContent);
  const err = await page.locator('#console-error').textContent();
  return { ok: await page.locator('#console-message').textContent(), err };
}

export async function act(page, selector) {
  await page.locator(selector).click();
  const m = await message(page);
  check(!m.err, `${selector}: ${m.err}`);
  return m.ok;
}

/** Signs in and drafts the round with one question of every kind. */
export async function officerCreates(ctx) {
  const { page } = ctx.officer;
  await page.goto(`${ctx.server.url}/console`);
  await page.locator('#token').waitFor();
  await axe(page, 'console sign-in');
  await page.locator('#token').fill(ctx.server.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#new-round').click();
  await page.locator('#draft-election').fill(ctx.round);
  await page.locator('#draft-title').fill('Booth test All-Member Vote');
  for (let i = 0; i < QUESTIONS.length; i++) {
    if (i > 0) await page.locator('#add-question').click();
    const q = QUESTIONS[i];
    const fs_ = () => page.locator('fieldset.question-editor').nth(i);
    await fs_().getByLabel('Kind', { exact: true }).selectOption(q.kind);
    await fs_().getByLabel('Question id', { exact: true }).fill(q.id);
    await fs_().getByLabel('Question', { exact: true }).fill(q.title);
    await fs_().getByLabel(/^Options/).fill(q.options);
    if (q.seats) await fs_().getByLabel('Seats').fill(q.seats);
    if (q.points) await fs_().getByLabel('Most points').fill(q.points);
    if (q.passive) await fs_().getByLabel(/^Passive solution/).fill(q.passive);
    if (q.default_option) await fs_().getByLabel(/^Default option/).fill(q.default_option);
  }
  await axe(page, 'console round editor');
  await shot(page, 'console-editor');
  await act(page, '#create-round');
  await page.locator('#round-state').waitFor();
  await page.locator('#start-ceremony').waitFor();
  await act(page, '#start-ceremony');
  await page.locator('#trustee-tokens').waitFor();
  ctx.tokens = await page.locator('.trustee-token').evaluateAll((els) => els.map((e, i) => ({ trustee: i + 1, token: e.textContent })));
  check(ctx.tokens.length === 3, 'three trustee tokens shown');
  await axe(page, 'console ceremony');
}

/** `freeze`: freezes once the ceremony is complete; `roll`: roll, credentials, open. */
export async function officerOpens(ctx, what) {
  const { page } = ctx.officer;
  if (what === 'freeze') {
    await page.reload();
    await page.getByRole('button', { name: new RegExp(`^${ctx.round} — `) }).click();
    await page.locator('#do-freeze').waitFor();
    await act(page, '#do-freeze');
    await page.locator('#roll-csv').waitFor();
    return;
  }
  await page.locator('#roll-csv').fill('member_id,email,weight\nm1,one@example.org,1\nm2,two@example.org,zero\nm3,three@example.org,2\nm1,dup@example.org,1\n');
  await page.locator('#import-roll').click();
  await page.locator('#roll-errors').waitFor();
  const errs = await page.locator('#roll-errors li').allTextContents();
  check(errs.length === 2 && errs[0].includes('Line 3') && errs[1].includes('Line 5'), `roll errors by line: ${errs.join(' / ')}`);
  await axe(page, 'console roll errors');
  await shot(page, 'console-roll-errors');
  await page.locator('#roll-csv').fill('member_id,email,weight\nm1,one@example.org,1\nm2,two@example.org,1\nm3,three@example.org,2\n');
  await act(page, '#import-roll');
  await page.locator('#roll-summary').waitFor();
  const dl = page.waitForEvent('download');
  await act(page, '#make-credentials');
  const file = path.join(artifacts, 'credentials.csv');
  await (await dl).saveAs(file);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1);
  ctx.links = lines.map((l) => { const c = l.split(','); return { member: c[0], code: c[3], link: c[4] }; });
  check(ctx.links.length === 3 && ctx.links.every((l) => l.link.includes('#c=')), 'credentials CSV with booth links');
  await act(page, '#do-open');
  await page.locator('#do-close').waitFor();
  await axe(page, 'console open');
}

/** Watches turnout, closes, tallies, lets trustees decrypt, publishes. */
export async function officerFinishes(ctx, decrypt) {
  const { page } = ctx.officer;
  await page.reload();
  await page.getByRole('button', { name: new RegExp(`^${ctx.round} — `) }).click();
  await page.waitForFunction(() => /3 cast, 1 audited/.test(document.querySelector('#turnout')?.textContent || ''), null, { timeout: 15000 });
  await shot(page, 'console-open-turnout');
  await act(page, '#do-close');
  await page.locator('#do-tally').waitFor();
  await act(page, '#do-tally');
  await page.locator('#do-publish').waitFor();
  await decrypt();
  await page.reload();
  await page.getByRole('button', { name: new RegExp(`^${ctx.round} — `) }).click();
  await page.waitForFunction(() => /2 accepted/.test(document.querySelector('#decryption')?.textContent || ''));
  await axe(page, 'console tallying');
  await act(page, '#do-publish');
  await page.locator('#results-link').waitFor();
  await shot(page, 'console-published');
}

/** The results page: every chart, the totals the voters' choices imply, axe, two widths. */
export async function resultsPage(ctx) {
  const { page } = ctx.officer;
  await page.goto(`${ctx.server.url}/results/${ctx.round}`);
  await page.locator('#download-record').waitFor();
  const charts = await page.locator('svg.chart').count();
  check(charts >= 7, `results charts: ${charts}`);
  const res = await (await fetch(`${ctx.server.url}/api/v1/rounds/${ctx.round}/result`)).json();
  const totals = Object.fromEntries(res.questions.map((q) => [q.question, q.totals]));
  for (const [q, want] of Object.entries(ctx.expected)) {
    check(JSON.stringify(totals[q]) === JSON.stringify(want), `totals of ${q}: ${JSON.stringify(totals[q])} ≠ ${JSON.stringify(want)}`);
  }
  const logo = res.questions.find((x) => x.question === 'logo').outcome.ranked;
  check(JSON.stringify(logo.matrix) === JSON.stringify(ctx.matrix), `ranked matrix ${JSON.stringify(logo.matrix)}`);
  check(/3 ballots counted, weight 4 of an electorate of 4/.test(await page.locator('#turnout').textContent()), 'turnout line');
  await axe(page, 'results');
  await shot(page, 'results');
  await page.setViewportSize({ width: 360, height: 800 });
  await shot(page, 'results-360');
  await page.setViewportSize({ width: 1280, height: 900 });
}
