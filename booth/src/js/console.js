// The officer console (specs/booth.md §3): API-token login, a round from
// draft to published through the officer API (server-api.md §4–§6):
// questions, editing a draft (also an initiative's), the credential mode,
// key ceremony (trustee tokens shown once), freeze, roll CSV with its
// errors by line, credentials (server: CSV export; external: upload of
// the authority's public list), live turnout, open/close, tally,
// decryption status, publish; the member initiatives' side
// (console_ini.js: member roll, settings, frozen proposals to schedule
// or decline, moderation).
import { getJson, post, download } from './api.js';
import { h, put, focus, announce } from './dom.js';
import { initI18n, t, switcher, translatePage, num, lang } from './i18n.js';
import { MODES, newDraft, editDraft, newQuestion, questionEditor, draftJson } from './draft.js';
import { loadInitiatives, initiativesView } from './console_ini.js';

const s = {
  token: sessionStorage.getItem('psephos.officer') || '',
  rounds: [], current: null, status: null, ceremony: null, turnout: null,
  tokens: null, rollErrors: null, issued: null, message: null, error: null, editing: null, busy: false,
  listText: null, listName: null, view: 'rounds',
};
const content = () => document.getElementById('content');

// A refusal in the current language: the code's text when the catalog
// has one, with the code and the server's message.
function errorText(e) {
  if (e.text) return e.text;
  const key = `err.${e.code}`;
  const tr = t(key);
  const message = e.detail ?? e.message;
  return tr === key ? t('console.failed', { code: e.code || 'network', message }) : t('console.refused', { text: tr, code: e.code, message });
}

async function act(fn, okKey) {
  s.busy = true; s.error = null; s.message = null; s.rollErrors = null;
  render();
  try {
    await fn();
    if (okKey) s.message = typeof okKey === 'function' ? okKey() : t(okKey);
  } catch (e) {
    s.error = errorText(e);
    if (e.lines && e.lines.length) s.rollErrors = e.lines;
  }
  s.busy = false;
  await refresh();
  announce(s.error || s.message || '');
  focus(document.getElementById(s.error ? 'console-error' : 'console-message'));
}

const officer = (path, body, type, method) => post(`/officer${path}`, body, type, s.token, method);
const rid = () => encodeURIComponent(s.current);

async function refresh() {
  try {
    const r = await getJson('/rounds');
    s.rounds = Array.isArray(r) ? r : r.rounds || [];
    if (s.view === 'initiatives') await loadInitiatives();
    if (s.current) {
      s.status = await getJson(`/officer/rounds/${rid()}`, s.token);
      s.turnout = s.status.election_id ? await getJson(`/rounds/${rid()}/turnout`).catch(() => null) : null;
      s.ceremony = s.status.state === 'key_ceremony' ? await getJson(`/officer/rounds/${rid()}/ceremony`, s.token).catch(() => null) : null;
    }
  } catch (e) {
    s.error = errorText(e);
    if (e.code === 'auth.required' || e.code === 'auth.wrong_kind') { s.token = ''; sessionStorage.removeItem('psephos.officer'); }
  }
  render();
}

function login() {
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', 'aria-describedby': 'token-hint' });
  return h('form', { onsubmit: async (e) => {
    e.preventDefault();
    s.token = input.value.trim();
    sessionStorage.setItem('psephos.officer', s.token);
    s.error = null;
    await refresh();
    focus(document.getElementById('rounds-title'));
  } }, h('h2', { id: 'login-title' }, t('console.login')),
  h('label', { for: 'token' }, t('console.token')), input,
  h('p', { class: 'hint', id: 'token-hint' }, t('console.token_hint')),
  h('button', { type: 'submit', class: 'primary' }, t('console.sign_in')));
}

function editor() {
  const d = s.editing;
  const edit = d.mode === 'edit';
  const rerender = (full) => { if (full) render(); };
  const inp = (name, props = {}) => {
    const el = h('input', { required: true, ...props, id: `draft-${name}`, value: d[name], oninput: () => { d[name] = el.value; } });
    return h('div', { class: 'field' }, h('label', { for: el.id }, t(`console.draft_${name}`)), el);
  };
  const select = (name, values, props = {}) => {
    const el = h('select', { ...props, id: `draft-${name}`, onchange: () => { d[name] = el.value; } },
      values.map(([v, key]) => h('option', { value: v, selected: d[name] === v }, t(key))));
    return h('div', { class: 'field' }, h('label', { for: el.id }, t(`console.draft_${name}`)), el);
  };
  const save = async () => {
    const body = JSON.stringify(draftJson(d));
    if (edit) await officer(`/rounds/${encodeURIComponent(d.election)}`, body, 'application/json', 'PUT');
    else await officer('/rounds', body);
    s.current = d.election; s.editing = null;
  };
  return h('section', { 'aria-labelledby': 'new-title' },
    h('h2', { id: 'new-title' }, edit ? t('console.edit_title', { id: d.election }) : t('console.new_round')),
    h('form', { onsubmit: (e) => { e.preventDefault(); act(save, edit ? 'console.saved' : 'console.created'); } },
    h('div', { class: 'row' }, inp('election', edit ? { readOnly: true, 'aria-describedby': 'draft-election-hint' } : {}), inp('title', { required: false })),
    edit ? h('p', { class: 'hint', id: 'draft-election-hint' }, t('console.id_fixed')) : null,
    h('div', { class: 'row' }, inp('opens', { type: 'datetime-local' }), inp('closes', { type: 'datetime-local' }),
      select('revote', [['last_counts', 'console.revote_last_counts'], ['once', 'console.revote_once']])),
    select('credential_mode', MODES.map((m) => [m, `console.mode_${m}`]), { 'aria-describedby': 'draft-mode-hint' }),
    h('p', { class: 'hint', id: 'draft-mode-hint' }, t('console.mode_hint')),
    d.questions.map((q) => questionEditor(q, rerender, () => { d.questions = d.questions.filter((x) => x !== q); render(); })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'add-question', onclick: () => { d.questions.push(newQuestion('choice')); render(); } }, t('console.add_question')),
      h('button', { type: 'submit', class: 'primary', id: edit ? 'save-draft' : 'create-round', disabled: s.busy }, t(edit ? 'console.save' : 'console.create')),
      h('button', { type: 'button', id: 'cancel-edit', onclick: () => { s.editing = null; render(); focus(document.getElementById(edit ? 'round-title' : 'rounds-title')); } }, t('console.cancel_edit')))));
}

function roundList() {
  return h('section', { 'aria-labelledby': 'rounds-title' }, h('h2', { id: 'rounds-title' }, t('console.rounds')),
    s.rounds.length ? h('ul', {}, s.rounds.map((r) => h('li', {},
      h('button', { type: 'button', class: 'link', 'aria-current': r.election === s.current ? 'true' : null,
        onclick: async () => { s.current = r.election; s.tokens = null; s.issued = null; s.listText = null; s.listName = null; await refresh(); focus(document.getElementById('round-title')); } },
      `${r.election} — ${t(`console.state_${r.state}`)}`)))) : h('p', {}, t('console.no_rounds')),
    h('button', { type: 'button', id: 'new-round', onclick: () => {
      s.editing = newDraft();
      s.error = null; s.message = null;
      render(); focus(document.getElementById('new-title'));
    } }, t('console.new_round')));
}

function button(id, key, fn, okKey, primary = true) {
  return h('button', { type: 'button', id, class: primary ? 'primary' : null, disabled: s.busy, onclick: () => act(fn, okKey) }, t(key));
}

function transition(name) {
  return button(`do-${name}`, `console.do_${name}`, () => officer(`/rounds/${rid()}/${name}`, '{}'), `console.done_${name}`);
}

// External mode (server-api.md §6): the public list the credential
// authority's `psephos-trustee credentials --public-out` wrote, uploaded
// as it is; the server checks it (election id, roll size and weights).
function externalUpload() {
  const file = h('input', { type: 'file', id: 'credentials-file', accept: '.json,application/json', 'aria-describedby': 'credentials-hint', onchange: async () => {
    const f = file.files[0];
    s.listText = f ? await f.text() : null;
    s.listName = f ? f.name : null;
    const ready = document.getElementById('credentials-ready');
    if (ready) ready.textContent = s.listName ? t('console.file_ready', { name: s.listName }) : '';
  } });
  return [h('p', { class: 'hint', id: 'credentials-hint' }, t('console.external_hint', { round: s.current })),
    h('label', { for: 'credentials-file' }, t('console.credentials_file')), file,
    h('p', { id: 'credentials-ready', 'aria-live': 'polite' }, s.listName ? t('console.file_ready', { name: s.listName }) : ''),
    h('div', { class: 'actions' }, button('upload-credentials', 'console.upload_credentials', async () => {
      if (!s.listText) throw Object.assign(new Error('no file'), { text: t('console.choose_file') });
      await officer(`/rounds/${rid()}/credentials`, s.listText, 'application/json', 'PUT');
      s.listText = null; s.listName = null;
    }, 'console.credentials_uploaded'))];
}

function when(secs) {
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(secs * 1000));
}

function stateActions(st) {
  const out = [];
  if (st.state === 'draft') {
    out.push(st.election.startsWith('ini-') ? h('p', { class: 'hint', id: 'initiative-hint' }, t('console.initiative_hint')) : null,
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'edit-draft', onclick: () => {
        s.editing = editDraft(st.draft);
        s.error = null; s.message = null;
        render(); focus(document.getElementById('new-title'));
      } }, t('console.edit_draft'))));
    s.setup = s.setup || { trustees: 3, threshold: 2 };
    const n = h('input', { type: 'number', id: 'trustees', min: 1, max: 32, value: s.setup.trustees, oninput: () => { s.setup.trustees = n.value; } });
    const th = h('input', { type: 'number', id: 'threshold', min: 1, max: 32, value: s.setup.threshold, oninput: () => { s.setup.threshold = th.value; } });
    out.push(h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: 'trustees' }, t('console.trustees')), n),
      h('div', { class: 'field' }, h('label', { for: 'threshold' }, t('console.threshold')), th)),
    button('start-ceremony', 'console.start_ceremony', async () => {
      const r = JSON.parse(await officer(`/rounds/${rid()}/ceremony`, JSON.stringify({ trustees: Number(n.value), threshold: Number(th.value) })));
      s.tokens = r.tokens;
    }, 'console.ceremony_started'));
  }
  if (st.state === 'key_ceremony') {
    out.push(h('p', { id: 'ceremony-phase' }, t('console.phase', { phase: s.ceremony ? t(`console.phase_${s.ceremony.phase}`) : '…' })),
      button('finish-ceremony', 'console.finish_ceremony', () => officer(`/rounds/${rid()}/ceremony/finish`, '{}'), null, false),
      button('do-freeze', 'console.do_freeze', () => officer(`/rounds/${rid()}/freeze`, '{}'), 'console.done_freeze'));
  }
  if (st.state === 'frozen') {
    const csv = h('textarea', { id: 'roll-csv', rows: 6, 'aria-describedby': 'roll-hint', value: s.rollText || '', oninput: () => { s.rollText = csv.value; } });
    const file = h('input', { type: 'file', id: 'roll-file', accept: '.csv,text/csv', onchange: async () => { s.rollText = await file.files[0].text(); csv.value = s.rollText; } });
    out.push(h('h3', {}, t('console.roll')),
      h('p', { id: 'roll-hint', class: 'hint' }, t('console.roll_hint')),
      h('label', { for: 'roll-file' }, t('console.roll_file')), file,
      h('label', { for: 'roll-csv' }, t('console.roll_text')), csv,
      h('div', { class: 'actions' }, button('import-roll', 'console.import_roll', () => officer(`/rounds/${rid()}/roll`, s.rollText || '', 'text/csv'), 'console.roll_imported')),
      s.rollErrors ? h('div', { id: 'roll-errors', role: 'alert' }, h('p', { class: 'problem' }, t('console.roll_errors', { count: s.rollErrors.length })),
        h('ul', {}, s.rollErrors.map((l) => h('li', {}, t('console.line', { line: l.line, message: l.message }))))) : null,
      st.roll ? h('p', { id: 'roll-summary' }, t('console.roll_summary', { count: st.roll.members, weight: st.roll.total_weight })) : null,
      h('h3', {}, t('console.credentials')),
      st.credentials ? h('p', { id: 'credentials-made' }, t('console.credentials_made', { count: st.credentials }))
        : st.draft.credential_mode === 'external' ? externalUpload() : button('make-credentials', 'console.make_credentials', async () => {
          s.issued = JSON.parse(await officer(`/rounds/${rid()}/credentials/generate`, '{}'));
          download(`psephos-credentials-${s.current}.csv`, s.issued.csv, 'text/csv');
        }, 'console.credentials_done'),
      s.issued ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'export-credentials', onclick: () => download(`psephos-credentials-${s.current}.csv`, s.issued.csv, 'text/csv') }, t('console.export_credentials')),
        h('p', {}, t('console.issued', { count: s.issued.issued, mailed: s.issued.mailed }))) : null,
      h('div', { class: 'actions' }, transition('open')));
  }
  if (st.state === 'open') out.push(h('div', { class: 'actions' }, transition('close')));
  if (st.state === 'closed') out.push(h('div', { class: 'actions' }, transition('tally')));
  if (st.state === 'tallying') {
    const d = st.decryption;
    out.push(h('p', { id: 'decryption' }, d ? t('console.decryption', { count: d.accepted.length, threshold: d.threshold }) : ''),
      d && d.rejected.length ? h('ul', {}, d.rejected.map((r) => h('li', { class: 'problem' }, t('console.rejected', { trustee: r.trustee, code: r.code })))) : null,
      h('div', { class: 'actions' }, transition('publish')));
  }
  if (st.state === 'published') out.push(h('p', {}, h('a', { href: `/results/${rid()}`, id: 'results-link' }, t('console.see_results'))));
  if (['draft', 'key_ceremony', 'frozen'].includes(st.state)) out.push(h('div', { class: 'actions' }, button('do-cancel', 'console.do_cancel', () => officer(`/rounds/${rid()}/cancel`, '{}'), 'console.done_cancel', false)));
  return out;
}

function roundView() {
  const st = s.status;
  if (!st) return null;
  const tu = s.turnout;
  return h('section', { 'aria-labelledby': 'round-title', class: 'card' },
    h('h2', { id: 'round-title' }, st.election),
    h('p', { id: 'round-state' }, t('console.state', { state: t(`console.state_${st.state}`) })),
    st.election_id ? h('p', {}, t('console.election_id'), ' ', h('code', {}, st.election_id)) : null,
    h('p', { id: 'round-schedule' }, t('console.schedule', { opens: when(st.draft.schedule.opens_at), closes: when(st.draft.schedule.closes_at) })),
    h('p', { id: 'round-mode' }, t('console.credential_mode', { mode: t(`console.mode_${st.draft.credential_mode || 'server'}`) })),
    st.state === 'open' || st.state === 'frozen' ? h('p', {}, h('a', { href: `/booth/${rid()}` }, t('console.booth_link'))) : null,
    tu ? h('p', { id: 'turnout', 'aria-live': 'polite' }, t('console.turnout', { count: tu.ballots, audited: tu.audited, board: num(st.board_size) })) : null,
    s.tokens ? h('div', { id: 'trustee-tokens', class: 'card' }, h('h3', {}, t('console.trustee_tokens')), h('p', { class: 'hint' }, t('console.tokens_once')),
      h('table', {}, h('caption', {}, t('console.trustee_tokens')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('console.trustee')), h('th', { scope: 'col' }, t('console.token')))),
        h('tbody', {}, s.tokens.map((x) => h('tr', {}, h('td', {}, String(x.trustee)), h('td', {}, h('code', { class: 'trustee-token' }, x.token))))))) : null,
    stateActions(st));
}

// The console's two views: rounds, member initiatives.
function nav() {
  const go = (view, focusId) => async () => { s.view = view; s.error = null; s.message = null; s.editing = null; await refresh(); focus(document.getElementById(focusId)); };
  return h('nav', { 'aria-label': t('console.views') }, h('div', { class: 'actions' },
    h('button', { type: 'button', id: 'view-rounds', 'aria-pressed': String(s.view === 'rounds'), onclick: go('rounds', 'rounds-title') }, t('console.view_rounds')),
    h('button', { type: 'button', id: 'view-initiatives', 'aria-pressed': String(s.view === 'initiatives'), onclick: go('initiatives', 'ini-title') }, t('console.view_initiatives'))));
}

const iniConsole = {
  token: () => s.token,
  button,
  when,
  openRound: async (id) => { s.view = 'rounds'; s.current = id; s.tokens = null; s.issued = null; await refresh(); focus(document.getElementById('round-title')); },
};

function render() {
  const c = content();
  if (!s.token) { put(c, login(), s.error ? h('p', { class: 'problem', role: 'alert', id: 'console-error' }, s.error) : null); return; }
  put(c,
    h('p', { id: 'console-message', tabindex: '-1', class: 'ok', role: 'status' }, s.message || ''),
    h('p', { id: 'console-error', tabindex: '-1', class: 'problem', role: 'alert' }, s.error || ''),
    s.editing ? null : nav(),
    s.editing ? editor() : s.view === 'initiatives' ? initiativesView(iniConsole) : [roundList(), roundView()],
    h('p', {}, h('button', { type: 'button', onclick: () => { s.token = ''; sessionStorage.removeItem('psephos.officer'); render(); } }, t('console.sign_out'))));
}

async function start() {
  await initI18n();
  translatePage();
  document.getElementById('lang').replaceWith(switcher(render));
  render();
  if (s.token) await refresh();
  setInterval(() => { if (s.token && s.current && s.view === 'rounds' && !s.editing && !s.busy && !document.activeElement?.closest('form, textarea, input')) refresh(); }, 3000);
}

start();
