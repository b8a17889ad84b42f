// The draft editor of a member initiative (initiatives.md §3.1, §4,
// specs/booth.md §9): title, summary, body in Markdown (raw HTML is
// refused by the server, its error shown), area from the public
// settings, language, decision kind and, for an alternative, the main
// proposal. "Save the draft" creates it (`POST`) or replaces it (`PUT`,
// `?draft=p-…` in the address), "Publish" saves and publishes it
// (version 1, the public page and the support log). The preview is the
// server's own rendering of the saved draft.
import { getJson } from './api.js';
import { h, put } from './dom.js';
import { t, lang, LANGUAGES } from './i18n.js';
import { session, send, actions, signinHref, DECISIONS, startPage } from './member.js';
import { renderedBody } from './safehtml.js';

const s = {
  id: new URLSearchParams(location.search).get('draft'),
  f: { title: '', summary: '', body: '', area: '', language: '', decision: 'yes_no', alternative_to: '' },
  areas: [], html: null, error: null, message: null, busy: false, loadError: null,
};

function input() {
  const f = s.f;
  const out = { title: f.title, summary: f.summary, body: f.body, area: f.area, language: f.language.trim(), decision: f.decision };
  if (f.alternative_to.trim()) out.alternative_to = f.alternative_to.trim();
  return out;
}

async function save() {
  const v = s.id
    ? await send('PUT', `/initiatives/proposals/${encodeURIComponent(s.id)}`, input())
    : await send('POST', '/initiatives/proposals', input());
  s.id = v.id;
  s.html = v.html;
  history.replaceState(null, '', `/initiatives/new?draft=${encodeURIComponent(v.id)}`);
  return v;
}

const act = actions(s, render, 'compose');

function field(name, control, hint) {
  control.id = `p-${name}`;
  if (hint) control.setAttribute('aria-describedby', `p-${name}-hint`);
  control.addEventListener(control.tagName === 'SELECT' ? 'change' : 'input', () => { s.f[name] = control.value; });
  return h('div', { class: 'field' }, h('label', { for: control.id }, t(`ini.field_${name}`)), control,
    hint ? h('p', { class: 'hint', id: `p-${name}-hint` }, hint) : null);
}

function form() {
  const f = s.f;
  const languages = Object.keys(LANGUAGES).includes(f.language) || !f.language ? Object.keys(LANGUAGES) : [f.language, ...Object.keys(LANGUAGES)];
  return h('form', { 'aria-labelledby': 'compose-form-title', onsubmit: (e) => {
    e.preventDefault();
    act(async () => { await save(); return t('ini.draft_saved', { id: s.id }); });
  } }, h('h2', { id: 'compose-form-title' }, s.id ? t('ini.edit_draft', { id: s.id }) : t('ini.new_draft')),
  field('title', h('input', { type: 'text', required: true, maxLength: 200, value: f.title })),
  field('summary', h('textarea', { rows: 3, required: true, maxLength: 2000, value: f.summary })),
  field('body', h('textarea', { rows: 14, required: true, value: f.body }), t('ini.body_hint')),
  h('div', { class: 'row' },
    field('area', h('select', { required: true }, s.areas.map((a) => h('option', { value: a.id, selected: a.id === f.area }, a.title)))),
    field('language', h('select', {}, languages.map((l) => h('option', { value: l, lang: l, selected: l === f.language }, LANGUAGES[l] || l)))),
    field('decision', h('select', {}, DECISIONS.map((d) => h('option', { value: d, selected: d === f.decision }, t(`ini.decision_${d}`)))))),
  field('alternative_to', h('input', { type: 'text', value: f.alternative_to, spellcheck: false }), t('ini.alternative_hint')),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', id: 'save-proposal', disabled: s.busy }, t('ini.save_draft')),
    h('button', { type: 'button', class: 'primary', id: 'publish-proposal', disabled: s.busy, onclick: () => act(async () => {
      await save();
      await send('POST', `/initiatives/proposals/${encodeURIComponent(s.id)}/publish`);
      location.assign(`/initiatives/${encodeURIComponent(s.id)}`);
      return t('ini.published');
    }) }, t('ini.publish'))));
}

function render() {
  const c = document.getElementById('content');
  if (s.loadError) { put(c, h('p', { class: 'problem', role: 'alert' }, s.loadError)); return; }
  if (!session()) {
    put(c, h('p', {}, t('ini.must_sign_in')), h('p', {}, h('a', { class: 'button primary', href: signinHref() }, t('ini.sign_in'))));
    return;
  }
  put(c,
    h('p', { id: 'compose-message', tabindex: '-1', class: 'ok', role: 'status' }, s.message || ''),
    h('p', { id: 'compose-error', tabindex: '-1', class: 'problem', role: 'alert' }, s.error || ''),
    form(),
    s.html !== null ? h('section', { 'aria-labelledby': 'preview-title', class: 'card' },
      h('h2', { id: 'preview-title' }, t('ini.preview')), h('div', { class: 'rendered', id: 'preview' }, renderedBody(s.html, 1))) : null);
}

async function load() {
  const settings = await getJson('/initiatives/settings');
  s.areas = settings.areas;
  s.f.area = s.areas.length ? s.areas[0].id : '';
  s.f.language = lang();
  if (s.id && session()) {
    const v = await getJson(`/initiatives/proposals/${encodeURIComponent(s.id)}`);
    if (v.state !== 'draft') { location.assign(`/initiatives/${encodeURIComponent(s.id)}`); return false; }
    Object.assign(s.f, { ...v.input, alternative_to: v.input.alternative_to || '' });
    s.html = v.html;
  }
  return true;
}

function start() {
  return startPage({ render, load, onError: (e) => { s.loadError = e; } });
}

start();
