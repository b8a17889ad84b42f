// Browser tests of the member initiatives (initiatives.md, specs/booth.md
// §9), members' side: a server of their own with an SMTP sink on
// loopback (the sign-in mails), the officer's member roll and area
// threshold in the console, member A signing in by the mailed link and
// drafting (raw HTML refused with its error) and publishing, member B
// signing in with the typed one-time code (a wrong one refused) and
// proposing an amendment, A accepting it (version 2, the insertion green
// in the diff), and A, B, C supporting the current version (a second
// support refused) until the third reaches the threshold and freezes it.
// The AMV that follows is in initiatives_amv.mjs.
import path from 'node:path';
import { artifacts, startServer, person, axe, shot, check } from './lib.mjs';
import { act } from './console.mjs';
import { smtpSink } from './smtp.mjs';

export const MEMBERS = ['ana', 'bodo', 'chiara', 'dara', 'emil'];
const ROLL = `member_id,email\n${MEMBERS.map((m) => `${m},${m}@example.org`).join('\n')}\n`;
const SETTINGS = { areas: [{ id: 'it', title: 'Digital infrastructure', threshold: { absolute: 3 } }, { id: 'policy', title: 'Policy', threshold: { share_bp: 5000 } }], officer_days: 30, max_body: 99000 };
const TITLE = 'Upgrade our digital collaboration infrastructure';
const BODY = '## Proposal\n\nThe CC opens a call for a working group.\n\n- review the IT infrastructure\n- recommend tools\n\nSee [the wiki](https://example.org/wiki) and [this](javascript:alert(1)).\n';
const ADDED = '- publish the findings in every language\n';

/** Waits until `selector` has text and returns it. */
export async function textOf(page, selector, timeout = 15000) {
  await page.waitForFunction((s) => document.querySelector(s)?.textContent, selector, { timeout });
  return page.locator(selector).textContent();
}

// Clicks `selector` on a member page; returns the status text, fails on an alert.
async function memberAct(page, selector, prefix = 'page') {
  await page.locator(selector).click();
  await page.waitForFunction((p) => document.querySelector(`#${p}-message`)?.textContent || document.querySelector(`#${p}-error`)?.textContent, prefix, { timeout: 20000 });
  const err = await page.locator(`#${prefix}-error`).textContent();
  check(!err, `${selector}: ${err}`);
  return page.locator(`#${prefix}-message`).textContent();
}

// Clicks `selector`; fails unless the page shows a refusal naming `code`.
async function memberRefused(page, selector, code, prefix = 'page') {
  await page.locator(selector).click();
  const err = await textOf(page, `#${prefix}-error`);
  check(err.includes(code), `${selector}: expected ${code}, got "${err}"`);
  return err;
}

/** The initiatives' own server with an SMTP sink, and the officer's console on it. */
export async function iniSetup(ctx) {
  const sink = await smtpSink();
  const srv = await startServer(path.join(ctx.dir, 'ini-data'), ['--smtp-url', `smtp://127.0.0.1:${sink.port}`], 'server-initiatives.log');
  const officer = await person(ctx.browser, srv, 'en-GB');
  ctx.ini = { sink, srv, officer, members: {} };
  const { page } = officer;
  await page.goto(`${srv.url}/console`);
  await page.locator('#token').fill(srv.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#view-initiatives').click();
  await page.locator('#member-roll-csv').waitFor();
  await page.locator('#member-roll-csv').fill('member_id,email\nana,ana@example.org\nbodo\nana,other@example.org\n');
  await page.locator('#import-member-roll').click();
  await page.locator('#member-roll-errors').waitFor();
  const errs = await page.locator('#member-roll-errors li').allTextContents();
  check(errs.length === 2 && errs[0].includes('Line 3') && errs[1].includes('Line 4'), `member roll errors by line: ${errs.join(' / ')}`);
  await page.locator('#member-roll-csv').fill(ROLL);
  const imported = await act(page, '#import-member-roll');
  check(/5 members on the roll/.test(await page.locator('#member-roll-size').textContent()), 'the console shows the roll size');
  check(/5 members; 0 support logs gained new members/.test(imported), `the console says how many support logs grew: ${imported}`);
  const bad = { ...SETTINGS, areas: [{ ...SETTINGS.areas[0], threshold: { absolute: 0 } }] };
  await page.locator('#ini-settings').fill(JSON.stringify(bad));
  await page.locator('#save-ini-settings').click();
  await page.waitForFunction(() => document.querySelector('#console-error')?.textContent);
  check((await page.locator('#console-error').textContent()).includes('initiatives.settings'), 'a zero threshold is refused with its error');
  await page.locator('#ini-settings').fill(JSON.stringify(SETTINGS));
  await act(page, '#save-ini-settings');
  const got = await (await fetch(`${srv.url}/api/v1/initiatives/settings`)).json();
  check(got.areas[0].threshold.absolute === 3, `settings saved: ${JSON.stringify(got)}`);
  await axe(page, 'console initiatives');
  await shot(page, 'console-initiatives');
}

// A member's own browser context, signed in through the mailed link.
async function byLink(ctx, name, locale) {
  const { srv, sink } = ctx.ini;
  const m = { name, ...(await person(ctx.browser, srv, locale)) };
  ctx.ini.members[name] = m;
  const { page } = m;
  await page.goto(`${srv.url}/initiatives/signin`);
  await page.locator('#email').fill(`${name}@example.org`);
  const sent = sink.to(`${name}@example.org`).length;
  await memberAct(page, '#send-mail', 'signin');
  const mail = await sink.wait(`${name}@example.org`, sent + 1);
  const link = /(http:\/\/\S+\/initiatives\/signin#t=psl_[0-9a-f]{64})/.exec(mail)[1];
  // The member opens the link from their mail client: a fresh load.
  await page.goto('about:blank');
  await page.goto(link);
  const ok = await textOf(page, '#signin-message');
  check(ok.includes(name), `signed in by the link: ${ok}`);
  check(!page.url().includes('#') && (await page.evaluate(() => location.hash)) === '', `the token is gone from the address bar: ${page.url()}`);
  return m;
}

/** A signs in by the mailed link; raw HTML refused; A drafts and publishes. */
export async function memberDrafts(ctx) {
  const a = await byLink(ctx, 'ana', 'en-GB');
  const { page } = a;
  await axe(page, 'initiatives sign-in, signed in');
  await shot(page, 'initiatives-signin-link');
  await page.locator('#continue').click();
  await page.locator('#new-proposal').click();
  await page.locator('#p-title').waitFor();
  await page.locator('#p-title').fill(TITLE);
  await page.locator('#p-summary').fill('An addition, not a substitute, to the current tools.');
  await page.locator('#p-body').fill('Intro.\n\n<script>alert(1)</script>\n');
  check((await page.locator('#p-area option').allTextContents()).includes('Digital infrastructure'), 'areas from the public settings');
  await page.locator('#p-area').selectOption('it');
  const err = await memberRefused(page, '#save-proposal', 'proposal.markdown', 'compose');
  check(/raw HTML/.test(err) && /line 3/.test(err), `the refusal names raw HTML and its line: ${err}`);
  check(await page.locator('#compose-error').evaluate((e) => e === document.activeElement), 'focus on the refusal');
  await axe(page, 'initiatives draft editor, raw HTML refused');
  await shot(page, 'initiatives-markdown-refused');
  await page.locator('#p-body').fill(BODY);
  await memberAct(page, '#save-proposal', 'compose');
  await page.locator('#preview h3').waitFor();
  check(page.url().includes('?draft=p-'), 'the draft id in the address');
  await page.locator('#publish-proposal').click();
  await page.waitForURL(/\/initiatives\/p-[0-9a-f]{16}$/);
  ctx.ini.id = page.url().split('/').pop();
  await page.locator('#proposal-body').waitFor();
  check((await page.locator('#page-title').textContent()) === TITLE, 'the title as the page heading');
  check(await page.locator('#proposal-body h4', { hasText: 'Proposal' }).count() === 1, 'the Markdown heading rendered');
  check(await page.locator('#proposal-body script').count() === 0, 'no script element in the rendered text');
  check(await page.locator('#proposal-body a', { hasText: 'this' }).getAttribute('href') === '#', 'a javascript: link is rendered as #');
  check(await page.locator('#proposal-body a', { hasText: 'the wiki' }).getAttribute('rel') === 'nofollow noopener noreferrer', 'links carry rel');
  const bar = page.locator('#support-progress');
  check(await bar.getAttribute('max') === '3' && await bar.evaluate((e) => e.value) === 0, 'the progress bar 0 of 3');
  await axe(page, 'initiative page (version 1)');
  await shot(page, 'initiative-v1');
  // A second proposal, which the officers will hide.
  await page.goto(`${ctx.ini.srv.url}/initiatives/new`);
  await page.locator('#p-title').fill('Buy a boat for the office');
  await page.locator('#p-summary').fill('A boat.');
  await page.locator('#p-body').fill('We need a boat.\n');
  await page.locator('#publish-proposal').click();
  await page.waitForURL(/\/initiatives\/p-[0-9a-f]{16}$/);
  ctx.ini.id2 = page.url().split('/').pop();
}

/** B signs in with the typed code (a wrong one refused), comments and proposes an amendment. */
export async function memberAmends(ctx) {
  const { srv, sink, id } = ctx.ini;
  const b = { name: 'bodo', ...(await person(ctx.browser, srv, 'fr-FR')) };
  ctx.ini.members.bodo = b;
  const { page } = b;
  await page.goto(`${srv.url}/initiatives/signin?next=${encodeURIComponent(`/initiatives/${id}`)}`);
  await page.locator('#email').fill('bodo@example.org');
  await memberAct(page, '#send-mail', 'signin');
  const mail = await sink.wait('bodo@example.org', 1);
  const code = /type this code: ([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})/.exec(mail)[1];
  const wrong = code === '2222-2222' ? '3333-3333' : '2222-2222';
  await page.locator('#code-email').fill('bodo@example.org');
  await page.locator('#one-time-code').fill(wrong);
  const err = await memberRefused(page, '#use-code', 'login.invalid', 'signin');
  check(/inconnu/.test(err), `the refusal in French: ${err}`);
  await axe(page, 'initiatives sign-in, wrong code (fr)');
  await shot(page, 'initiatives-signin-code-refused-fr');
  await page.locator('#one-time-code').fill(code.replace('-', '').toLowerCase());
  check((await memberAct(page, '#use-code', 'signin')).includes('bodo'), 'signed in with the code');
  await page.locator('#continue').click();
  await page.waitForURL(`${srv.url}/initiatives/${id}`);
  await page.locator('#amendment-body').waitFor();
  await page.locator('#comment-body').fill('Please also publish the findings.');
  await memberAct(page, '#post-comment');
  ctx.ini.comment = (await page.locator('li.comment').first().getAttribute('id')).slice('comment-'.length);
  await page.locator('#amendment-body').fill(`${BODY}${ADDED}`);
  await page.locator('#amendment-rationale').fill('Findings nobody can read help nobody.');
  await memberAct(page, '#propose-amendment');
  check(await page.locator('li.amendment').count() === 1, 'the amendment is listed');
  check(await page.locator('[id^="accept-"]').count() === 0, 'only the author may accept');
  await axe(page, 'initiative page with an amendment (fr)');
}

/** A accepts the amendment: version 2, the diff shows the insertion in green. */
export async function authorAccepts(ctx) {
  const { page } = ctx.ini.members.ana;
  await page.goto(`${ctx.ini.srv.url}/initiatives/${ctx.ini.id}`);
  await page.locator('[id^="accept-a-"]').click();
  await page.waitForFunction(() => document.querySelector('#proposal-version')?.textContent === '2', null, { timeout: 15000 });
  check(!(await page.locator('#page-error').textContent()), 'accepted without an error');
  const ins = page.locator('#diff-body ins.diff-ins');
  check((await ins.count()) === 1 && (await ins.textContent()).includes('publish the findings'), 'the insertion is marked');
  const bg = await ins.evaluate((e) => getComputedStyle(e).backgroundColor);
  check(bg === 'rgb(214, 243, 220)', `the insertion is green: ${bg}`);
  check(await page.locator('#diff-body del').count() === 0, 'nothing deleted');
  check((await page.locator('#proposal-body').textContent()).includes('publish the findings'), 'version 2 shown');
  await axe(page, 'initiative page, diff of versions 1 and 2');
  await shot(page, 'initiative-diff');
  await page.locator('#version-select').selectOption('1');
  await page.waitForFunction(() => /^Version 1/.test(document.querySelector('#version-title')?.textContent || ''));
  check(!(await page.locator('#proposal-body').textContent()).includes('publish the findings'), 'version 1 has no insertion');
}

/** A, B, C support version 2; a second support by A (from a stale tab) refused; the third freezes. */
export async function membersSupport(ctx) {
  const { srv, id } = ctx.ini;
  const a = ctx.ini.members.ana.page;
  // A second tab of A's, opened before the support: stale once A supports.
  const stale = await a.context().newPage();
  await stale.goto(`${srv.url}/initiatives/${id}`);
  await stale.locator('#support').waitFor();
  await a.goto(`${srv.url}/initiatives/${id}`);
  check((await memberAct(a, '#support')).includes('1 of 3'), 'first support counted');
  check(await a.locator('#support').count() === 0 && (await a.locator('#my-standing').textContent()).includes('version 2'), 'the page shows A\'s own standing and no second support button');
  await memberRefused(stale, '#support', 'support.duplicate');
  check((await stale.locator('#page-error').textContent()).includes('already support'), 'the duplicate is explained');
  await stale.close();
  await axe(a, 'initiative page, supported');
  await shot(a, 'initiative-supported');
  const b = ctx.ini.members.bodo.page;
  await b.goto(`${srv.url}/initiatives/${id}`);
  await memberAct(b, '#support');
  const c = await byLink(ctx, 'chiara', 'el-GR');
  await c.page.goto(`${srv.url}/initiatives/${id}`);
  await memberAct(c.page, '#support');
  await c.page.locator('#frozen').waitFor();
  const v = await (await fetch(`${srv.url}/api/v1/initiatives/proposals/${id}`)).json();
  check(v.state === 'frozen' && v.frozen.version === 2 && v.frozen.count === 3 && v.amv.state === 'awaiting_officers', `frozen with an AMV awaiting: ${JSON.stringify(v)}`);
  ctx.ini.round = v.amv.round;
  check(ctx.ini.round === `ini-${id.slice(2)}`, `the AMV draft ${ctx.ini.round}`);
  check((await c.page.locator('#amv-state').textContent()).includes(ctx.ini.round), 'the page names the AMV draft');
  check(await c.page.locator('#support').count() === 0, 'no support button once frozen');
  await axe(c.page, 'initiative page, frozen (el)');
  await shot(c.page, 'initiative-frozen-el');
  await a.goto(`${srv.url}/initiatives`);
  const card = a.locator(`#card-${id}`);
  await card.waitFor();
  check((await card.locator('.state').textContent()).startsWith('Frozen'), 'the list shows the freeze');
  check(await card.locator('progress').evaluate((e) => e.value === 3 && e.max === 3), 'the list shows 3 of 3');
}

export { artifacts };
