// The voters of the browser tests, in English, French (typed code, 360 px
// phone width) and Greek. Their choices imply the totals the results page
// must show (`EXPECTED`), weights 1, 1 and 2.
import path from 'node:path';
import { artifacts, person, axe, shot, check } from './lib.mjs';

/** Totals of the linear questions and the ranked matrix (wave, pebble, urn, none). */
export const EXPECTED = {
  statutes: [1, 1, 2],
  chair: [1, 1, 2],
  tools: [1, 2, 1, 0],
  venue: [18, 17, 20],
  budget: [25, 9, 19, 18],
};
export const MATRIX = [[0, 2, 2, 3], [1, 0, 3, 3], [1, 1, 0, 2], [0, 0, 0, 0]];

const q = (page, id) => page.locator(`#q-${id}`);
export const pick = (page, id, label) => q(page, id).locator('label.choice-button', { hasText: label }).click();

export async function reach(page, titleText) {
  await page.waitForFunction((t) => document.getElementById('step-title')?.textContent === t, titleText, { timeout: 60000 });
}

export async function encryptAndShow(page, v, t) {
  await page.locator('.actions button.primary').click();
  await reach(page, t.review);
  await axe(page, `booth review (${v.lang})`);
  await page.getByRole('button', { name: t.encrypt }).click();
  await reach(page, t.tracking);
  return (await page.locator('.tracking .code.full').textContent()).trim();
}

export async function cast(page, v, t) {
  await page.locator('#cast').click();
  await reach(page, t.cast);
  await page.locator('svg.qr').waitFor();
  await axe(page, `booth cast (${v.lang})`);
}

function voter(ctx, i, lang) {
  const v = { ...ctx.links[i], lang };
  ctx.voters = ctx.voters || [];
  ctx.voters.push(v);
  return v;
}

export const EN = { questions: 'Your ballot', review: 'Review your choices', encrypt: 'Encrypt my ballot', tracking: 'Your ballot is encrypted', cast: 'Your ballot is cast', audit: 'Audit of your ballot' };

/** English voter: personal link, every kind (ranking by keyboard and by drag and drop), audit, start again, cast, receipt. */
export async function voteEnglishAuditThenCast(ctx) {
  const v = voter(ctx, 0, 'en');
  const p = await person(ctx.browser, ctx.server, 'en-GB');
  Object.assign(v, p);
  const { page } = p;
  await page.goto(v.link);
  await reach(page, EN.questions);
  check(!page.url().includes('#c='), 'the credential is removed from the address bar');
  await axe(page, 'booth questions (en)');
  await pick(page, 'statutes', 'Yes');
  await pick(page, 'chair', 'Bodo');
  await pick(page, 'tools', 'wiki');
  await pick(page, 'tools', 'mail');
  await page.locator('#q-venue-lisbon').fill('3');
  for (let k = 0; k < 3; k++) await page.getByRole('button', { name: 'More for Gdańsk' }).click();
  await page.locator('#q-budget-status-quo').fill('0');
  await page.locator('#q-budget-reserve').fill('4');
  await page.locator('#q-budget-campaign').fill('7');
  // Ranking: pebble, then wave and urn tied (keyboard), then none by drag and drop.
  for (const name of ['Add Pebble to the ranking', 'Add Wave to the ranking', 'Add Urn to the ranking', 'Tie Urn with the rank above']) {
    await page.getByRole('button', { name }).focus();
    await page.keyboard.press('Enter');
  }
  await q(page, 'logo').locator('.pool [data-option="none"]').dragTo(q(page, 'logo').locator('.gap.last'));
  const tiers = await q(page, 'logo').locator('.tier').allTextContents();
  check(tiers.length === 3, `three ranks after keyboard and drag and drop: ${tiers.join(' | ')}`);
  await shot(page, 'booth-questions-en');
  const first = await encryptAndShow(page, v, EN);
  await axe(page, 'booth tracking code (en)');
  await shot(page, 'booth-tracking-en');
  await page.locator('#audit').click();
  await reach(page, EN.audit);
  const rows = await page.locator('table.audit tbody tr td:last-child').allTextContents();
  check(rows.length === 6 && rows.every((r) => r === 'yes'), `audit: every answer opens to the choice (${rows.join(',')})`);
  check((await page.locator('p.ok[role="status"]').count()) === 1, 'audit verdict shown');
  await axe(page, 'booth audit (en)');
  await shot(page, 'booth-audit-en');
  await page.locator('#start-again').click();
  await reach(page, EN.questions);
  const second = await encryptAndShow(page, v, EN);
  check(first !== second, 'a fresh encryption after the audit');
  await cast(page, v, EN);
  await shot(page, 'booth-cast-en');
  const dl = page.waitForEvent('download');
  await page.locator('#download-receipt').click();
  ctx.receiptFile = path.join(artifacts, 'receipt-en.json');
  await (await dl).saveAs(ctx.receiptFile);
  ctx.tracking = second;
  ctx.expected = EXPECTED;
  ctx.matrix = MATRIX;
}

/** French voter on a 360-px screen: types the code, first with a typo. */
export async function voteFrenchTyped(ctx) {
  const v = voter(ctx, 1, 'fr');
  const p = await person(ctx.browser, ctx.server, 'fr-FR', { width: 360, height: 780 });
  Object.assign(v, p);
  const { page } = p;
  await page.goto(`${ctx.server.url}/booth/${ctx.round}`);
  await page.locator('#code').waitFor();
  await axe(page, 'booth code (fr)');
  const code = v.code;
  const swap = code[0] === 'A' ? 'B' : 'A';
  await page.locator('#code').fill(swap + code.slice(1));
  await page.locator('form button[type="submit"]').click();
  await page.waitForFunction(() => document.getElementById('code-error')?.textContent);
  const err = await page.locator('#code-error').textContent();
  check(/faute de frappe/.test(err), `the check symbol catches the typo: ${err}`);
  await shot(page, 'booth-code-typo-fr-360');
  await page.locator('#code').fill(code.toLowerCase());
  await page.locator('form button[type="submit"]').click();
  await reach(page, 'Votre bulletin');
  await pick(page, 'statutes', 'Non');
  await pick(page, 'chair', 'Ana');
  for (const o of ['status-quo', 'reserve', 'grants', 'campaign']) await page.locator(`#q-budget-${o}`).fill('5');
  await page.getByRole('button', { name: 'Ajouter Urn au classement' }).click();
  await axe(page, 'booth questions (fr, 360 px)');
  await shot(page, 'booth-questions-fr-360');
  const FR = { review: 'Vérifiez vos choix', encrypt: 'Chiffrer mon bulletin', tracking: 'Votre bulletin est chiffré', cast: 'Votre bulletin est déposé' };
  await encryptAndShow(page, v, FR);
  await cast(page, v, FR);
  await shot(page, 'booth-cast-fr-360');
}

/** Greek voter (weight 2): personal link, keyboard ranking. */
export async function voteGreek(ctx) {
  const v = voter(ctx, 2, 'el');
  const p = await person(ctx.browser, ctx.server, 'el-GR');
  Object.assign(v, p);
  const { page } = p;
  await page.goto(v.link);
  await reach(page, 'Το ψηφοδέλτιό σας');
  await pick(page, 'statutes', 'Αποχή');
  await pick(page, 'chair', 'Chiara');
  await pick(page, 'tools', 'chat');
  await page.locator('#q-venue-lisbon').fill('5');
  const sc = { 'status-quo': '10', reserve: '0', grants: '2', campaign: '3' };
  for (const [o, x] of Object.entries(sc)) await page.locator(`#q-budget-${o}`).fill(x);
  for (const o of ['Wave', 'Pebble']) await page.getByRole('button', { name: new RegExp(`${o}.*κατάταξη`) }).first().click();
  await axe(page, 'booth questions (el)');
  await shot(page, 'booth-questions-el');
  const EL = { review: 'Ελέγξτε τις επιλογές σας', encrypt: 'Κρυπτογράφηση του ψηφοδελτίου μου', tracking: 'Το ψηφοδέλτιό σας κρυπτογραφήθηκε', cast: 'Το ψηφοδέλτιό σας κατατέθηκε' };
  await encryptAndShow(page, v, EL);
  await cast(page, v, EL);
}

/** The check page: the English voter's tracking code, then with the receipt file. */
export async function checkOnBoard(ctx) {
  const { page } = ctx.voters[0];
  await page.goto(`${ctx.server.url}/check/${ctx.round}#t=${ctx.tracking}`);
  await page.locator('#outcome .ok').waitFor({ timeout: 30000 });
  await axe(page, 'check');
  await page.locator('#receipt-file').setInputFiles(ctx.receiptFile);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#outcome li').length >= 5);
  await shot(page, 'check');
  const bad = ctx.tracking.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  await page.locator('#tracking').fill(bad);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('#outcome .problem').waitFor();
}
