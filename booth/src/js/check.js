// Check my ballot (specs/booth.md §3): a tracking code (from the link's
// fragment, typed, or read from the receipt file) is looked up on the
// public board, and the entry, its inclusion in the latest checkpoint and
// the checkpoint's signature by the manifest's board key are verified in
// the browser with psephos-board compiled to wasm.
import { getBytes, getJson, getText, roundFromPath } from './api.js';
import { Crypto } from './client.js';
import { h, put, focus } from './dom.js';
import { initI18n, t, text, switcher, translatePage } from './i18n.js';

const round = roundFromPath();
const r = encodeURIComponent(round);
const crypto = new Crypto();
const s = { manifest: null, bytes: null, result: null, error: null, tracking: '', receipt: null };

async function check() {
  s.result = null;
  s.error = null;
  try {
    const tc = s.tracking.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(tc)) throw Object.assign(new Error('tracking'), { code: 'check.bad_code' });
    const found = await getJson(`/rounds/${r}/ballots/${tc}`);
    const index = found.receipt.index;
    const page = await getJson(`/rounds/${r}/board/entries?from=${index}&limit=1`);
    const checkpoint = await getText(`/rounds/${r}/board/checkpoint`);
    const size = JSON.parse(checkpoint).size;
    const inclusion = await getText(`/rounds/${r}/board/inclusion?index=${index}&size=${size}`);
    const receipt = s.receipt || found.receipt;
    const consistency = receipt.checkpoint.size <= size
      ? await getText(`/rounds/${r}/board/consistency?old=${receipt.checkpoint.size}&new=${size}`) : '';
    s.result = await crypto.call('checkOnBoard', {
      manifest: s.bytes, tracking: tc, entry: JSON.stringify(page.entries[0]), checkpoint, inclusion,
      receipt: JSON.stringify(receipt), consistency,
    });
    s.result.own_receipt = !!s.receipt;
  } catch (e) {
    const key = `err.${e.code}`;
    s.error = t(key) === key ? t('err.generic', { code: e.code || 'internal' }) : t(key);
  }
  render();
  focus(document.getElementById('outcome'));
}

async function readReceipt(file) {
  try {
    s.receipt = JSON.parse(await file.text());
    s.error = null;
  } catch (_) {
    s.receipt = null;
    s.error = t('check.bad_receipt');
  }
  render();
}

function render() {
  const input = h('input', { id: 'tracking', value: s.tracking, spellcheck: false, autocomplete: 'off', 'aria-describedby': 'tracking-hint', oninput: () => { s.tracking = input.value; } });
  const fileInput = h('input', { type: 'file', id: 'receipt-file', accept: 'application/json,.json', onchange: () => fileInput.files[0] && readReceipt(fileInput.files[0]) });
  const res = s.result;
  put(document.getElementById('content'),
    s.manifest ? h('p', { class: 'round' }, text(s.manifest.title)) : null,
    h('p', {}, t('check.intro')),
    h('form', { onsubmit: (e) => { e.preventDefault(); check(); } },
      h('label', { for: 'tracking' }, t('check.label')), input,
      h('p', { id: 'tracking-hint', class: 'hint' }, t('check.hint')),
      h('label', { for: 'receipt-file' }, t('check.receipt_label')), fileInput,
      s.receipt ? h('p', { class: 'hint' }, t('check.receipt_loaded', { index: s.receipt.index })) : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('check.verify')))),
    h('div', { id: 'outcome', tabindex: '-1', role: 'status' },
      s.error ? h('p', { class: 'problem' }, s.error) : null,
      res ? [h('p', { class: 'ok' }, t('check.found', { index: res.index, size: res.size })),
        h('ul', {},
          h('li', {}, t('check.step_entry')),
          h('li', {}, t('check.step_inclusion', { root: res.root.slice(0, 16) })),
          h('li', {}, t('check.step_signature', { time: new Date(res.time * 1000).toISOString() })),
          res.own_receipt ? h('li', {}, t('check.step_receipt')) : null,
          res.consistent ? h('li', {}, t('check.step_consistent')) : null)] : null));
}

async function start() {
  await initI18n();
  translatePage();
  document.getElementById('lang').replaceWith(switcher(render));
  const m = /(?:^#|&)t=([0-9a-fA-F]{64})/.exec(location.hash);
  if (m) s.tracking = m[1];
  render();
  try {
    s.bytes = await getBytes(`/rounds/${r}/manifest`);
    s.manifest = (await crypto.call('parseManifest', { manifest: s.bytes })).manifest;
  } catch (e) {
    s.error = t('err.generic', { code: e.code || 'internal' });
  }
  render();
  if (s.tracking && s.bytes) check();
}

start();
