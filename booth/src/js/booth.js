// The voting booth (specs/booth.md §3): credential from the URL fragment
// or typed in, questions, review, encryption in the worker, tracking code,
// then cast (receipt, QR code) or audit (Benaloh: opened in the page,
// posted as spoiled) and start again.
import { getBytes, getJson, post, download, roundFromPath } from './api.js';
import { Crypto } from './client.js';
import { h, put, focus, announce, shortCode } from './dom.js';
import { initI18n, t, text, switcher, translatePage } from './i18n.js';
import { questionField, initialChoice, problem, summary } from './questions.js';
import { qrSvg } from './qr.js';

const round = roundFromPath();
const main = document.getElementById('content');
const crypto = new Crypto();
const s = { manifest: null, bytes: null, status: null, choices: {}, step: 'load', error: null, encrypted: null, receipt: null, audit: null, codeError: null };

/** The credential from `#c=…`, removed from the address bar at once (it never reaches the server). */
function codeFromFragment() {
  const m = /(?:^#|&)c=([^&]+)/.exec(location.hash);
  if (m) history.replaceState(null, '', location.pathname + location.search);
  return m ? decodeURIComponent(m[1]) : null;
}

function errorText(e) {
  const code = e.code || 'internal';
  const key = `err.${code}`;
  const tr = t(key);
  return tr === key ? t('err.generic', { code }) : tr;
}

function title(key, opts) {
  return h('h2', { id: 'step-title' }, t(key, opts));
}

function go(step) {
  s.step = step;
  render();
  focus(document.getElementById('step-title'));
}

async function openSession(code) {
  try {
    s.codeError = null;
    const grouped = await crypto.call('checkCode', { code });
    await crypto.call('open', { manifest: s.bytes, code: grouped });
    go('questions');
  } catch (e) {
    s.codeError = errorText(e);
    go('code');
  }
}

function codeStep() {
  const input = h('input', {
    id: 'code', name: 'code', autocomplete: 'off', autocapitalize: 'characters', spellcheck: false,
    'aria-describedby': 'code-hint code-error', 'aria-invalid': s.codeError ? 'true' : 'false',
  });
  return [title('code.title'),
    h('form', { onsubmit: (e) => { e.preventDefault(); openSession(input.value); } },
      h('label', { for: 'code' }, t('code.label')), input,
      h('p', { id: 'code-hint', class: 'hint' }, t('code.hint')),
      h('p', { id: 'code-error', class: 'problem', role: 'alert' }, s.codeError || ''),
      h('button', { type: 'submit', class: 'primary' }, t('code.continue')))];
}

function questionsStep() {
  const qs = s.manifest.questions;
  const fields = qs.map((q, i) => questionField(q, i, qs.length, s.choices, () => {}));
  const review = () => {
    s.touched = Object.fromEntries(qs.map((q) => [q.id, true]));
    s.choices.touched = s.touched;
    fields.forEach((f) => f.update());
    const bad = qs.findIndex((q) => problem(q, s.choices[q.id]));
    if (bad >= 0) { focus(fields[bad].querySelector('input, button')); announce(problem(qs[bad], s.choices[qs[bad].id])); return; }
    go('review');
  };
  return [title('booth.questions_title'), h('p', {}, t('booth.questions_intro')), fields,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: review }, t('booth.to_review')))];
}

function choicesPayload() {
  return Object.fromEntries(s.manifest.questions.map((q) => [q.id, s.choices[q.id]]));
}

async function encrypt() {
  go('encrypting');
  try {
    s.encrypted = await crypto.call('encrypt', { choices: choicesPayload() }, (stage) => {
      const p = document.getElementById('enc-stage');
      if (p) p.textContent = t(`enc.${stage}`);
    });
    go('tracking');
  } catch (e) {
    s.error = errorText(e);
    go('failed');
  }
}

function reviewStep() {
  return [title('review.title'), h('p', {}, t('review.intro')),
    h('dl', { class: 'review' }, s.manifest.questions.map((q) => [h('dt', {}, text(q.title)), h('dd', {}, summary(q, s.choices[q.id]))])),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => go('questions') }, t('review.change')),
      h('button', { type: 'button', class: 'primary', onclick: encrypt }, t('review.encrypt')))];
}

function encryptingStep() {
  return [title('enc.title'), h('progress', { 'aria-labelledby': 'step-title' }),
    h('p', { id: 'enc-stage', role: 'status' }, t('enc.starting')), h('p', { class: 'hint' }, t('enc.device'))];
}

async function cast() {
  go('sending');
  try {
    const bytes = await crypto.call('ballotBytes');
    const answer = JSON.parse(await post(`/rounds/${encodeURIComponent(round)}/ballots`, bytes));
    s.check = await crypto.call('checkReceipt', { manifest: s.bytes, receipt: JSON.stringify(answer.receipt), kind: 'ballot', payload: bytes });
    s.receipt = answer;
    await crypto.call('forget');
    go('cast');
  } catch (e) {
    s.error = errorText(e);
    go('failed');
  }
}

async function audit() {
  go('sending');
  try {
    const a = await crypto.call('audit');
    const answer = JSON.parse(await post(`/rounds/${encodeURIComponent(round)}/audits`, a.audited));
    await crypto.call('checkReceipt', { manifest: s.bytes, receipt: JSON.stringify(answer.receipt), kind: 'audited', payload: new TextEncoder().encode(a.audited) });
    s.audit = a;
    go('audited');
  } catch (e) {
    s.error = errorText(e);
    go('failed');
  }
}

function trackingBlock(tc) {
  return h('div', { class: 'tracking' },
    h('p', {}, t('track.your_code')),
    h('p', { class: 'code', id: 'tracking-code' }, shortCode(tc)),
    h('details', {}, h('summary', {}, t('track.full')), h('p', { class: 'code full' }, tc)));
}

function trackingStep() {
  const tc = s.encrypted.tracking_code;
  return [title('track.title'), trackingBlock(tc),
    h('p', {}, t('track.decide')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'cast', onclick: cast }, t('track.cast')),
      h('button', { type: 'button', id: 'audit', onclick: audit }, t('track.audit'))),
    h('p', { class: 'hint' }, t('track.audit_explain'))];
}

function castStep() {
  const r = s.receipt;
  const name = `psephos-receipt-${round}-${r.tracking_code.slice(0, 16)}.json`;
  return [title('cast.title'), h('p', { role: 'status' }, t('cast.done', { index: r.receipt.index })), trackingBlock(r.tracking_code),
    h('p', { class: 'ok' }, t('cast.receipt_checked', { size: s.check.size })),
    qrSvg(r.tracking_code, t('cast.qr_label')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'download-receipt', onclick: () => download(name, JSON.stringify(r.receipt)) }, t('cast.download')),
      h('a', { class: 'button', href: `/check/${encodeURIComponent(round)}#t=${r.tracking_code}` }, t('cast.check_later'))),
    h('p', { class: 'hint' }, t('cast.receipt_explain')),
    s.manifest.revote === 'last_counts' ? h('p', { class: 'hint' }, t('cast.revote')) : null,
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => go('questions') }, t('cast.vote_again')))];
}

function auditedStep() {
  const a = s.audit;
  const all = a.answers.every((x) => x.matches);
  const byId = Object.fromEntries(s.manifest.questions.map((q) => [q.id, q]));
  return [title('audit.title'), h('p', { role: 'status', class: all ? 'ok' : 'problem' }, t(all ? 'audit.all_match' : 'audit.mismatch')),
    h('p', {}, t('audit.explain', { code: shortCode(a.tracking_code) })),
    h('table', { class: 'audit' },
      h('caption', {}, t('audit.caption')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('audit.question')), h('th', { scope: 'col' }, t('audit.yours')), h('th', { scope: 'col' }, t('audit.opened')), h('th', { scope: 'col' }, t('audit.same')))),
      h('tbody', {}, a.answers.map((x) => {
        const q = byId[x.question];
        return h('tr', {}, h('th', { scope: 'row' }, text(q.title)), h('td', {}, summary(q, s.choices[q.id])), h('td', {}, summary(q, x.opened)), h('td', {}, x.matches ? t('audit.yes') : t('audit.no')));
      }))),
    h('p', {}, t('audit.spoiled')),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'start-again', onclick: () => go('questions') }, t('audit.again')))];
}

function render() {
  const steps = {
    load: () => [title('booth.loading')],
    closed: () => [title('booth.not_open_title'), h('p', {}, t('booth.not_open', { state: t(`state.${s.status.state}`) }))],
    code: codeStep,
    questions: questionsStep,
    review: reviewStep,
    encrypting: encryptingStep,
    tracking: trackingStep,
    sending: () => [title('send.title'), h('progress', { 'aria-labelledby': 'step-title' })],
    cast: castStep,
    audited: auditedStep,
    failed: () => [title('fail.title'), h('p', { role: 'alert', class: 'problem' }, s.error),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => go(s.manifest ? 'review' : 'load') }, t('fail.back')))],
  };
  const round_title = s.manifest ? h('p', { class: 'round' }, text(s.manifest.title)) : null;
  put(main, round_title, steps[s.step]());
}

async function start() {
  await initI18n();
  translatePage();
  document.getElementById('lang').replaceWith(switcher(render));
  render();
  try {
    s.status = await getJson(`/rounds/${encodeURIComponent(round)}`);
    s.bytes = await getBytes(`/rounds/${encodeURIComponent(round)}/manifest`);
    const info = await crypto.call('parseManifest', { manifest: s.bytes });
    s.manifest = info.manifest;
    for (const q of s.manifest.questions) s.choices[q.id] = initialChoice(q);
    if (s.status.state !== 'open') { go('closed'); return; }
    const code = codeFromFragment();
    if (code) await openSession(code); else go('code');
  } catch (e) {
    s.error = errorText(e);
    go('failed');
  }
}

start();
