// The console's draft editor and the external credential mode
// (specs/booth.md §3, server-api.md §4–§6): a draft edited (schedule,
// question, revote, credential mode) and seen in the status and in the
// manifest after freeze; an edit the server refuses, with its error; a
// draft shaped like an initiative's (initiatives.md §7.1) keeps what the
// form does not show; an external round whose credentials come from the
// real `psephos-trustee credentials`, uploaded through the page (corrupt
// and mismatching lists refused with their errors), voted, tallied,
// published.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN, api, ceremony, trustee, person, axe, shot, check } from './lib.mjs';
import { act, message } from './console.mjs';
import { reach, pick, encryptAndShow, cast, EN } from './voters.mjs';

const run = promisify(execFile);

async function showRound(page, server, id) {
  await page.goto(`${server.url}/console`);
  await page.getByRole('button', { name: new RegExp(`^${id} — `) }).click();
  await page.locator('#round-state').waitFor();
}

// Fails unless the console shows a refusal with `code` (its translated
// text when `text` is given); returns the error text.
async function refused(page, selector, code, text) {
  await page.locator(selector).click();
  const m = await message(page);
  check(m.err && m.err.includes(code), `${selector}: expected ${code}, got ${JSON.stringify(m)}`);
  if (text) check(m.err.includes(text), `${selector}: ${m.err} lacks "${text}"`);
  return m.err;
}

// Key ceremony with `n` trustees (threshold `n`) from the console, the
// trustees with the CLI in their own folder; then freeze.
async function ceremonyAndFreeze(ctx, id, n) {
  const { page } = ctx.officer;
  await page.locator('#trustees').fill(String(n));
  await page.locator('#threshold').fill(String(n));
  await act(page, '#start-ceremony');
  await page.locator('#trustee-tokens').waitFor();
  const tokens = await page.locator('.trustee-token').evaluateAll((els) => els.map((e, i) => ({ trustee: i + 1, token: e.textContent })));
  check(tokens.length === n, `${n} trustee tokens`);
  const dir = fs.mkdtempSync(path.join(ctx.dir, `${id}-`));
  await ceremony(ctx.server, dir, tokens);
  await showRound(page, ctx.server, id);
  await act(page, '#do-freeze');
  return { dir, tokens };
}

// JSON with sorted keys, to compare documents whatever their key order.
const canon = (v) => JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
const status = (ctx, id) => api(ctx.server, 'GET', `/officer/rounds/${id}`);
const seconds = (page, local) => page.evaluate((v) => Math.floor(new Date(v).getTime() / 1000), local);

/** A draft edited in the console, a refused edit, the manifest after freeze. */
export async function editDraft(ctx) {
  const { page } = ctx.officer;
  const id = `${ctx.round}-edit`;
  await page.goto(`${ctx.server.url}/console`);
  await page.locator('#new-round').click();
  await page.locator('#draft-election').fill(id);
  await page.locator('#draft-title').fill('Edited round');
  const q0 = page.locator('fieldset.question-editor').nth(0);
  await q0.getByLabel('Question id', { exact: true }).fill('motion');
  await q0.getByLabel('Question', { exact: true }).fill('Adopt the motion?');
  await page.locator('#draft-credential_mode').selectOption('external');
  await act(page, '#create-round');
  const before = await status(ctx, id);
  check(before.state === 'draft' && before.draft.credential_mode === 'external', `created external: ${JSON.stringify(before.draft)}`);
  check(/independent credential authority/.test(await page.locator('#round-mode').textContent()), 'round view names the credential mode');

  await page.locator('#edit-draft').click();
  await page.locator('#save-draft').waitFor();
  check(await page.locator('#draft-election').evaluate((e) => e.readOnly), 'the round id is read-only while editing');
  check(await page.locator('#new-title').evaluate((e) => e === document.activeElement), 'focus on the editor heading');
  // closes before opens: the server's refusal, nothing changed.
  await page.locator('#draft-opens').fill('2031-05-01T10:00');
  await page.locator('#draft-closes').fill('2031-04-30T10:00');
  const err = await refused(page, '#save-draft', 'round.invalid_draft', 'The draft breaks the rules of a manifest.');
  check(/closes before it opens/.test(err), `the server's message is shown: ${err}`);
  check(await page.locator('#console-error').evaluate((e) => e === document.activeElement), 'focus on the error');
  await axe(page, 'console draft editor with a refusal');
  await shot(page, 'console-edit-refused');
  check(canon((await status(ctx, id)).draft) === canon(before.draft), 'a refused edit changes nothing');

  // A good edit: schedule, question title and labels, a second question, revote, mode.
  await page.locator('#draft-closes').fill('2031-05-15T18:30');
  await q0.getByLabel('Question', { exact: true }).fill('Adopt the amended motion?');
  await q0.getByLabel(/^Options/).fill('yes: In favour\nno: Against\nabstain: Abstain');
  await page.locator('#add-question').click();
  const q1 = page.locator('fieldset.question-editor').nth(1);
  await q1.getByLabel('Question id', { exact: true }).fill('colour');
  await q1.getByLabel('Question', { exact: true }).fill('Which colour?');
  await q1.getByLabel(/^Options/).fill('red: Red\nblue: Blue');
  await page.locator('#draft-revote').selectOption('once');
  await page.locator('#draft-credential_mode').selectOption('server');
  await axe(page, 'console draft editor');
  await act(page, '#save-draft');
  const after = (await status(ctx, id)).draft;
  const want = { opens_at: await seconds(page, '2031-05-01T10:00'), closes_at: await seconds(page, '2031-05-15T18:30') };
  check(JSON.stringify(after.schedule) === JSON.stringify(want), `schedule ${JSON.stringify(after.schedule)} ≠ ${JSON.stringify(want)}`);
  check(after.questions.length === 2 && after.questions[0].title.en === 'Adopt the amended motion?', `questions ${JSON.stringify(after.questions)}`);
  check(after.questions[0].options.map((o) => o.label.en).join() === 'In favour,Against,Abstain', 'option labels edited');
  check(canon(after.questions[0].kind) === canon(before.draft.questions[0].kind), 'the yes/no rules are kept');
  check(after.revote === 'once' && after.credential_mode === 'server', `revote ${after.revote}, mode ${after.credential_mode}`);
  check(/this server/.test(await page.locator('#round-mode').textContent()), 'round view shows the new mode');

  await ceremonyAndFreeze(ctx, id, 1);
  await page.locator('#roll-csv').waitFor();
  check(await page.locator('#edit-draft').count() === 0, 'no editor once the round left draft');
  check(await page.locator('#make-credentials').count() === 1 && await page.locator('#credentials-file').count() === 0, 'server mode: generate, no upload');
  const m = await (await fetch(`${ctx.server.url}/api/v1/rounds/${id}/manifest`)).json();
  check(JSON.stringify(m.schedule) === JSON.stringify(want), `manifest schedule ${JSON.stringify(m.schedule)}`);
  check(canon(m.questions) === canon(after.questions) && m.revote === 'once', 'manifest questions and revote are the edited ones');
  const late = await api(ctx.server, 'PUT', `/officer/rounds/${id}`, JSON.stringify(after)).then(() => null, (e) => e.message);
  check(late && late.includes('round.wrong_state'), `PUT after freeze refused: ${late}`);
}

/** A draft shaped like an initiative's: only the schedule is edited, everything else kept byte for byte. */
export async function editInitiativeDraft(ctx) {
  const { page } = ctx.officer;
  const id = `ini-${ctx.round.slice(-12)}`;
  const now = Math.floor(Date.now() / 1000);
  const draft = {
    election: id,
    title: { de: 'Initiative: Satzungsänderung' },
    questions: [{
      id: 'initiative',
      title: { de: 'Satzungsänderung' },
      description: { de: 'Der Text der Initiative.\n\n---\npsephos-initiative: p-1 v1 sha256:00\n' },
      options: ['yes', 'no', 'abstain'].map((o) => ({ id: o, label: { de: o } })),
      kind: { yes_no: { rules: { quorum: { kind: 'ballots', min: 10 }, majority: { num: 2, den: 3, strict: false } } } },
    }],
    schedule: { opens_at: now + 86400 + 17, closes_at: now + 15 * 86400 + 17 },
    revote: 'last_counts',
    credential_mode: 'server',
  };
  await api(ctx.server, 'POST', '/officer/rounds', JSON.stringify(draft));
  await showRound(page, ctx.server, id);
  await page.locator('#initiative-hint').waitFor();
  await page.locator('#edit-draft').click();
  await page.locator('details.description-kept').waitFor();
  check((await page.locator('fieldset.question-editor').nth(0).getByLabel('Question', { exact: true }).inputValue()) === 'Satzungsänderung', 'the title in its language');
  await axe(page, 'console initiative draft editor');
  await shot(page, 'console-edit-initiative');
  await page.locator('#draft-closes').fill('2031-06-08T21:00');
  await act(page, '#save-draft');
  const got = (await status(ctx, id)).draft;
  const want = { ...draft, schedule: { opens_at: draft.schedule.opens_at, closes_at: await seconds(page, '2031-06-08T21:00') } };
  check(canon(got) === canon(want), `only the closing time changed (opening kept to the second): ${JSON.stringify(got)}`);
}

/** The external credential mode, from draft to published. */
export async function externalRound(ctx) {
  const { page } = ctx.officer;
  const id = `${ctx.round}-ext`;
  await page.goto(`${ctx.server.url}/console`);
  await page.locator('#new-round').click();
  await page.locator('#draft-election').fill(id);
  await page.locator('#draft-title').fill('External credentials');
  const q0 = page.locator('fieldset.question-editor').nth(0);
  await q0.getByLabel('Question id', { exact: true }).fill('motion');
  await q0.getByLabel('Question', { exact: true }).fill('Adopt the motion?');
  await page.locator('#draft-credential_mode').selectOption('external');
  await act(page, '#create-round');
  const { dir, tokens } = await ceremonyAndFreeze(ctx, id, 1);
  await page.locator('#credentials-file').waitFor();
  check(await page.locator('#make-credentials').count() === 0, 'external mode: no generate button');
  const roll = 'member_id,email,weight\nx1,x1@example.org,1\nx2,x2@example.org,3\n';
  await page.locator('#roll-csv').fill(roll);
  await act(page, '#import-roll');

  // The credential authority, offline but for the manifest.
  const rollFile = path.join(dir, 'roll.csv');
  const priv = path.join(dir, 'private.csv');
  const list = path.join(dir, 'list.json');
  fs.writeFileSync(rollFile, roll);
  await run(BIN.trustee, ['--server', ctx.server.url, 'credentials', '--round', id, '--roll', rollFile, '--out', priv, '--public-out', list]);
  const members = fs.readFileSync(priv, 'utf8').trim().split('\n').slice(1).map((l) => { const c = l.split(','); return { member: c[0], weight: Number(c[2]), code: c[3], link: c[4] }; });
  check(members.length === 2 && members.every((x) => x.link.includes(`/booth/${id}#c=`)), 'the authority wrote the private CSV');

  await refused(page, '#upload-credentials', '', 'Choose the public credential list first.');
  const text = fs.readFileSync(list, 'utf8');
  const cut = path.join(dir, 'list-cut.json');
  fs.writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)));
  await page.locator('#credentials-file').setInputFiles(cut);
  await page.locator('#credentials-ready').filter({ hasText: 'list-cut.json' }).waitFor();
  await refused(page, '#upload-credentials', 'request.invalid_json', 'The data is not JSON of the expected form.');
  const parsed = JSON.parse(text);
  const heavy = parsed.credentials.findIndex((e) => e.weight === 3);
  parsed.credentials[heavy].weight = 2;
  const wrong = path.join(dir, 'list-weights.json');
  fs.writeFileSync(wrong, JSON.stringify(parsed));
  await page.locator('#credentials-file').setInputFiles(wrong);
  await page.locator('#credentials-ready').filter({ hasText: 'list-weights.json' }).waitFor();
  await refused(page, '#upload-credentials', 'credentials.mismatch', "The list's size or weights differ from the roll's.");
  await axe(page, 'console external credentials refused');
  await shot(page, 'console-external-refused');
  check((await status(ctx, id)).credentials === null, 'no list stored after the refusals');

  await page.locator('#credentials-file').setInputFiles(list);
  await page.locator('#credentials-ready').filter({ hasText: 'list.json' }).waitFor();
  await act(page, '#upload-credentials');
  await page.locator('#credentials-made').waitFor();
  check(/2 members/.test(await page.locator('#credentials-made').textContent()), 'the list is taken');
  await act(page, '#do-open');
  await page.locator('#do-close').waitFor();
  const onBoard = await (await fetch(`${ctx.server.url}/api/v1/rounds/${id}/credentials`)).text();
  check(onBoard === text, 'the board holds the authority\'s list byte for byte');

  // One voter with a code from the authority's file (weight 3).
  const x2 = members.find((x) => x.member === 'x2');
  const v = { ...x2, lang: 'en', ...(await person(ctx.browser, ctx.server, 'en-GB')) };
  (ctx.voters ||= []).push(v);
  await v.page.goto(v.link);
  await reach(v.page, EN.questions);
  await pick(v.page, 'motion', 'Yes');
  await encryptAndShow(v.page, v, EN);
  await cast(v.page, v, EN);
  await shot(v.page, 'booth-cast-external');

  await showRound(page, ctx.server, id);
  await act(page, '#do-close');
  await page.locator('#do-tally').waitFor();
  await act(page, '#do-tally');
  await page.locator('#do-publish').waitFor();
  await trustee(ctx.server, dir, tokens[0], 'decrypt');
  await showRound(page, ctx.server, id);
  await act(page, '#do-publish');
  await page.locator('#results-link').waitFor();
  const res = await (await fetch(`${ctx.server.url}/api/v1/rounds/${id}/result`)).json();
  const totals = res.questions.find((x) => x.question === 'motion').totals;
  check(JSON.stringify(totals) === '[3,0,0]', `external round totals ${JSON.stringify(totals)}`);
}
