// A proposal's public page `/initiatives/{id}` (initiatives.md §3, §5–§7,
// specs/booth.md §9): the version shown as the server renders it, the
// version selector and the differences, amendments, comments, the
// support button and progress, the freeze, the AMV state with the
// officers' deadline and the round's booth or results once it exists,
// and the support log with the command an observer runs.
import { getJson } from './api.js';
import { h, put, focus, announce } from './dom.js';
import { t } from './i18n.js';
import { session, send, errorText, signinHref, when, progress, stateText, startPage } from './member.js';
import { renderedBody } from './safehtml.js';
import { diffSection, amendmentsSection, commentsSection } from './deliberation.js';

const id = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
const base = `/initiatives/proposals/${encodeURIComponent(id)}`;
const s = {
  me: null, view: null, shown: null, version: null, diff: null, diffFrom: 1, diffTo: 1,
  amendments: [], comments: [], areas: {}, round: null, receipt: null,
  error: null, message: null, busy: false, forms: {}, loadError: null,
};

async function loadVersion(n) {
  s.shown = n;
  s.version = await getJson(`${base}/versions/${n}`);
}

async function loadDiff() {
  try {
    s.diff = await getJson(`${base}/diff?from=${s.diffFrom}&to=${s.diffTo}`);
    s.error = null;
  } catch (e) {
    s.error = errorText(e);
  }
  render();
  if (s.error) focus(document.getElementById('page-error'));
  else announce(t('ini.diff_between', { from: s.diff.from, to: s.diff.to }));
}

async function load() {
  s.me = session();
  const before = s.view ? s.view.version : null;
  s.view = await getJson(base);
  const v = s.view;
  if (v.state === 'draft') return;
  // A hidden proposal's texts are withheld (initiatives.md §3.5), but its
  // amendments and comments stay listed, each with its own state.
  if (!v.hidden && (s.shown === null || before !== v.version)) {
    s.forms.amBody = undefined;
    await loadVersion(v.version);
    s.diffFrom = Math.max(1, v.version - 1);
    s.diffTo = v.version;
    s.diff = v.version > 1 ? await getJson(`${base}/diff?from=${s.diffFrom}&to=${s.diffTo}`) : null;
  }
  [s.amendments, s.comments] = await Promise.all([getJson(`${base}/amendments`), getJson(`${base}/comments`)]);
  s.round = v.amv ? await getJson(`/rounds/${encodeURIComponent(v.amv.round)}`).catch(() => null) : null;
}

// A member's action on this proposal; `then` runs after success.
async function act(method, path, body, okKey, then) {
  s.busy = true; s.error = null; s.message = null;
  render();
  try {
    const r = await send(method, `${base}${path}`, body);
    if (path === '/support' || path === '/withdraw') s.receipt = r;
    s.message = t(okKey, r && r.support ? { n: r.support.count, required: r.support.required, index: r.receipt.index } : {});
    if (then) then(r);
  } catch (e) {
    s.error = errorText(e);
  }
  try { await load(); } catch (e) { s.error = s.error || errorText(e); }
  s.busy = false;
  render();
  announce(s.error || s.message || '');
  focus(document.getElementById(s.error ? 'page-error' : 'page-message'));
}

function facts(v) {
  const i = v.input || {};
  const row = (k, val, vid) => (val === undefined || val === null ? null : [h('dt', {}, t(k)), h('dd', { id: vid }, val)]);
  return h('dl', { class: 'facts', id: 'facts' },
    row('ini.permanent_id', h('code', {}, v.id)), row('ini.author', v.author),
    row('ini.area', i.area ? s.areas[i.area] || i.area : null), row('ini.language', i.language),
    row('ini.decision', i.decision ? t(`ini.decision_${i.decision}`) : null),
    row('ini.alternative_to', i.alternative_to ? h('a', { href: `/initiatives/${encodeURIComponent(i.alternative_to)}` }, i.alternative_to) : null),
    row('ini.state', stateText(v), 'proposal-state'), row('ini.version', String(v.version), 'proposal-version'),
    row('ini.published_at', v.published_at ? when(v.published_at) : null));
}

function amvPart(v) {
  const a = v.amv;
  if (!a) return null;
  const r = s.round;
  const rid = encodeURIComponent(a.round);
  return h('div', { id: 'amv' },
    h('p', { id: 'amv-state' }, t(`ini.amv_${a.state}`, { round: a.round, deadline: when(a.deadline), reason: a.reason || '' })),
    h('p', {}, t('ini.deadline', { deadline: when(a.deadline) })),
    r ? h('p', { id: 'amv-round' }, t('ini.round_state', { round: a.round, state: t(`state.${r.state}`) }), ' ',
      r.state === 'open' ? h('a', { href: `/booth/${rid}`, id: 'amv-booth' }, t('ini.vote_now')) : null,
      r.state === 'published' ? h('a', { href: `/results/${rid}`, id: 'amv-results' }, t('ini.see_results')) : null) : null);
}

// The signed-in member's standing (§6 `viewer`) decides the buttons: no
// support of a version they already support, no withdrawal without one.
function supportActions(v) {
  const standing = v.viewer ? v.viewer.standing : null;
  return h('div', { class: 'actions' },
    standing !== null ? h('p', { id: 'my-standing' }, t(standing === v.version ? 'ini.you_support' : 'ini.you_support_older', { version: standing, current: v.version })) : null,
    standing !== v.version ? h('button', { type: 'button', class: 'primary', id: 'support', disabled: s.busy, onclick: () => act('POST', '/support', { version: v.version }, 'ini.supported') }, t('ini.support', { version: v.version })) : null,
    standing !== null ? h('button', { type: 'button', id: 'withdraw', disabled: s.busy, onclick: () => act('POST', '/withdraw', undefined, 'ini.withdrawn') }, t('ini.withdraw')) : null);
}

function supportSection(v) {
  const alt = v.input && v.input.alternative_to;
  const open = v.state === 'deliberation' && !v.hidden && !alt;
  return h('section', { 'aria-labelledby': 'support-title', class: 'card' }, h('h2', { id: 'support-title' }, t('ini.support_title')),
    alt ? h('p', {}, t('ini.alternative_support')) : progress('support-progress', v.support),
    open && s.me ? supportActions(v) : null,
    open && !s.me ? h('p', {}, h('a', { href: signinHref(), id: 'signin-to-support' }, t('ini.sign_in_to_support'))) : null,
    s.receipt ? h('p', { id: 'support-receipt' }, t('ini.receipt', { index: s.receipt.receipt.index })) : null,
    v.frozen ? h('p', { id: 'frozen', class: 'ok' }, t('ini.frozen', { version: v.frozen.version, n: v.frozen.count, index: v.frozen.at_index, at: when(v.frozen.at) })) : null,
    amvPart(v));
}

function logSection(v) {
  const url = `${location.origin}/api/v1${base}`;
  const cmd = `psephos-verify support ${url}${v.amv ? ' --manifest manifest.json' : ''}`;
  return h('section', { 'aria-labelledby': 'log-title', class: 'card' }, h('h2', { id: 'log-title' }, t('ini.log_title')),
    h('p', {}, t('ini.log_intro', { size: v.support ? v.support.log_size : 0 })),
    h('p', {}, h('a', { href: `/api/v1${base}/log/record`, id: 'log-record', download: `support-${v.id}.jsonl` }, t('ini.log_record'))),
    v.amv ? h('p', {}, t('ini.manifest_hint'), ' ', h('code', { class: 'cmd' }, `curl -o manifest.json ${location.origin}/api/v1/rounds/${encodeURIComponent(v.amv.round)}/manifest`)) : null,
    h('p', {}, t('ini.verify_hint')), h('pre', { id: 'verify-command' }, h('code', {}, cmd)),
    h('p', { class: 'hint' }, t('ini.member_hint')));
}

function textSection(v) {
  const sel = h('select', { id: 'version-select', onchange: async () => {
    try { await loadVersion(Number(sel.value)); } catch (e) { s.error = errorText(e); }
    render();
    focus(document.getElementById('version-title'));
  } }, Array.from({ length: v.version }, (_, i) => i + 1).map((n) => h('option', { value: n, selected: n === s.shown }, t(n === v.version ? 'ini.version_current' : 'ini.version_n', { n }))));
  const x = s.version;
  return h('section', { 'aria-labelledby': 'text-title', class: 'card' }, h('h2', { id: 'text-title' }, t('ini.text_title')),
    h('div', { class: 'field' }, h('label', { for: 'version-select' }, t('ini.version_select')), sel),
    x ? [h('h3', { id: 'version-title' }, t('ini.version_heading', { n: x.text.version, title: x.text.title })),
      h('p', { class: 'summary' }, x.text.summary),
      h('div', { class: 'rendered', id: 'proposal-body' }, renderedBody(x.html)),
      h('p', { class: 'hint' }, t('ini.text_hash'), ' ', h('code', { id: 'text-hash' }, x.text_hash))] : null);
}

function render() {
  const c = document.getElementById('content');
  const title = document.getElementById('page-title');
  if (s.loadError) { put(c, h('p', { class: 'problem', role: 'alert', id: 'page-error' }, s.loadError)); return; }
  const v = s.view;
  const name = v.input ? v.input.title : t('ini.hidden_title', { id: v.id });
  title.textContent = name;
  document.title = `${name} — ${t('ini.proposal_title')}`;
  put(c,
    h('p', { id: 'page-message', tabindex: '-1', class: 'ok', role: 'status' }, s.message || ''),
    h('p', { id: 'page-error', tabindex: '-1', class: 'problem', role: 'alert' }, s.error || ''),
    v.input ? h('p', { class: 'summary' }, v.input.summary) : null,
    v.hidden ? h('p', { class: 'hidden-note', id: 'hidden-note' }, t('ini.hidden_reason', { reason: v.hidden.reason })) : null,
    facts(v),
    v.state === 'draft' ? [h('p', {}, t('ini.your_draft')), h('p', {}, h('a', { class: 'button primary', href: `/initiatives/new?draft=${encodeURIComponent(v.id)}` }, t('ini.edit_this_draft'))),
      v.html !== undefined ? h('div', { class: 'rendered card' }, renderedBody(v.html, 1)) : null]
      : [supportSection(v), v.hidden ? null : [textSection(v), diffSection(s, loadDiff)], amendmentsSection(s, act), commentsSection(s, act), logSection(v)],
    h('p', {}, h('a', { href: '/initiatives' }, t('ini.all_proposals'))));
}

function start() {
  return startPage({
    render,
    load: async () => {
      const settings = await getJson('/initiatives/settings');
      s.areas = Object.fromEntries(settings.areas.map((a) => [a.id, a.title]));
      await load();
    },
    onError: (e) => { s.loadError = e; },
    onSignOut: async () => { s.me = null; render(); },
  });
}

start();
