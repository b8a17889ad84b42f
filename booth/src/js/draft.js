// The officer console's round editor (specs/booth.md §3): a RoundDraft
// (server-api.md §4) with questions of every kind, built from form
// fields. Option lines are `id` or `id: label`. A draft opened for
// editing (`editDraft`) keeps everything the form does not show —
// descriptions (an initiative's text and its binding trailer,
// initiatives.md §7.1), texts in other languages, counting rules, exact
// times: a field replaces only what it stands for, and only once changed.
import { h } from './dom.js';
import { t, lang, textKey } from './i18n.js';

/** The question kinds the editor offers. */
export const KINDS = ['yes_no', 'choice', 'approval', 'score', 'systemic_consensus', 'ranked'];

/** The credential modes of a round (server-api.md §6). */
export const MODES = ['server', 'external'];

let nextId = 1;

/** A `datetime-local` value of a date, in the browser's time zone. */
export function localInput(d) {
  const z = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
  return z.toISOString().slice(0, 16);
}

/** A fresh question in the editor. */
export function newQuestion(kind = 'yes_no') {
  const n = nextId++;
  return { key: n, kind, id: `q${n}`, title: '', lang: null, orig: null, options: kind === 'yes_no' ? 'yes\nno\nabstain' : '', min: 1, max: 1, seats: 1, points: kind === 'score' ? 5 : 10, passive: '', default_option: '' };
}

/** The editor's fields for a new round: open from a minute ago for a week. */
export function newDraft(now = new Date()) {
  return {
    mode: 'create', election: '', title: '', lang: null, orig: null,
    opens: localInput(new Date(now.getTime() - 60000)),
    closes: localInput(new Date(now.getTime() + 7 * 86400000)),
    revote: 'last_counts', credential_mode: 'server', questions: [newQuestion('yes_no')],
  };
}

// A text as the form shows it, in language `key` or else as `text` would.
function shown(map, key) {
  if (!map) return '';
  if (key && map[key] !== undefined) return map[key];
  const k = textKey(map);
  return k === null ? '' : map[k];
}

// `map` with the form's `value` in language `key`; unchanged when the
// form shows what the map already says.
function withText(map, key, value) {
  if (map && shown(map, key) === value) return map;
  return { ...(map || {}), [key]: value };
}

function questionFields(qj) {
  const kind = Object.keys(qj.kind)[0];
  const k = qj.kind[kind] || {};
  const q = newQuestion(kind);
  q.orig = qj;
  q.id = qj.id;
  q.lang = textKey(qj.title) || null;
  q.title = shown(qj.title, q.lang);
  q.options = qj.options.map((o) => {
    const label = shown(o.label, q.lang);
    return label === o.id ? o.id : `${o.id}: ${label}`;
  }).join('\n');
  if (kind === 'choice') Object.assign(q, { min: k.min, max: k.max, seats: k.seats });
  if (kind === 'approval') q.seats = k.seats;
  if (kind === 'score') q.points = k.max;
  if (kind === 'systemic_consensus') Object.assign(q, { points: k.max_resistance, passive: k.passive_solution || '' });
  if (kind === 'ranked') q.default_option = k.default_option ? k.default_option.option : '';
  return q;
}

/** The editor's fields for a stored draft (`RoundStatus.draft`). */
export function editDraft(draft) {
  const key = textKey(draft.title) || null;
  return {
    mode: 'edit', election: draft.election, title: shown(draft.title, key), lang: key, orig: draft,
    opens: localInput(new Date(draft.schedule.opens_at * 1000)),
    closes: localInput(new Date(draft.schedule.closes_at * 1000)),
    revote: draft.revote || 'last_counts', credential_mode: draft.credential_mode || 'server',
    questions: draft.questions.map(questionFields),
  };
}

function parseOptions(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.indexOf(':');
    return i > 0 ? { id: l.slice(0, i).trim(), label: l.slice(i + 1).trim() } : { id: l, label: l };
  });
}

// The kind object of an editor entry; `same` is the stored kind's
// parameters when the kind did not change (its rules are kept).
function kindJson(q, n, same, origOptions) {
  switch (q.kind) {
    case 'yes_no': return same || { rules: { quorum: null, majority: { num: 1, den: 2, strict: true } } };
    case 'choice': return { min: Number(q.min), max: Number(q.max), seats: Number(q.seats) };
    case 'approval': return same && origOptions === n ? { ...same, seats: Number(q.seats) } : { min: 0, max: n, seats: Number(q.seats) };
    case 'score': return { ...(same || { unrated: 'counts_as_max' }), max: Number(q.points) };
    case 'systemic_consensus': {
      const k = { ...(same || { unrated: 'counts_as_max' }), max_resistance: Number(q.points) };
      if (q.passive) k.passive_solution = q.passive; else delete k.passive_solution;
      return k;
    }
    default: {
      if (!q.default_option) return {};
      const d = same && same.default_option;
      return { default_option: d && d.option === q.default_option ? d : { option: q.default_option } };
    }
  }
}

/** The manifest question (record.md §2) of an editor entry. */
export function questionJson(q) {
  const o = q.orig;
  const key = q.lang || lang();
  const opts = parseOptions(q.options);
  const same = o && o.kind[q.kind] !== undefined ? o.kind[q.kind] : null;
  const out = {
    id: q.id,
    title: withText(o && o.title, key, q.title || q.id),
    options: opts.map((x) => ({ id: x.id, label: withText(o && o.options.find((y) => y.id === x.id)?.label, key, x.label) })),
    kind: { [q.kind]: kindJson(q, opts.length, same, o ? o.options.length : 0) },
  };
  if (o && o.description && Object.keys(o.description).length) out.description = o.description;
  return out;
}

// Seconds of a `datetime-local` value; the stored time when unchanged.
function seconds(local, stored) {
  if (stored !== undefined && local === localInput(new Date(stored * 1000))) return stored;
  return Math.floor(new Date(local).getTime() / 1000);
}

/** The RoundDraft of the editor's fields. */
export function draftJson(d) {
  const o = d.orig;
  return {
    election: d.election,
    title: withText(o && o.title, d.lang || lang(), d.title || d.election),
    questions: d.questions.map(questionJson),
    schedule: { opens_at: seconds(d.opens, o?.schedule.opens_at), closes_at: seconds(d.closes, o?.schedule.closes_at) },
    revote: d.revote,
    credential_mode: d.credential_mode,
  };
}

function field(id, labelKey, input) {
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, t(labelKey)), input);
}

/** The editor of one question. */
export function questionEditor(q, onChange, onRemove) {
  const p = `qe-${q.key}`;
  const bind = (name, props = {}) => {
    const el = h(props.tag || 'input', { ...props, tag: undefined, value: q[name] });
    el.addEventListener(props.tag === 'select' ? 'change' : 'input', () => { q[name] = el.value; if (props.rerender) onChange(true); });
    return el;
  };
  const kindSel = h('select', { onchange: () => { q.kind = kindSel.value; if (q.kind === 'score') q.points = 5; onChange(true); } },
    KINDS.map((k) => h('option', { value: k, selected: k === q.kind }, t(`console.kind_${k}`))));
  const params = [];
  if (q.kind === 'choice') {
    params.push(field(`${p}-min`, 'console.min', bind('min', { type: 'number', min: 0 })),
      field(`${p}-max`, 'console.max', bind('max', { type: 'number', min: 1 })));
  }
  if (q.kind === 'choice' || q.kind === 'approval') params.push(field(`${p}-seats`, 'console.seats', bind('seats', { type: 'number', min: 1 })));
  if (q.kind === 'score' || q.kind === 'systemic_consensus') params.push(field(`${p}-points`, 'console.points', bind('points', { type: 'number', min: 1 })));
  if (q.kind === 'systemic_consensus') params.push(field(`${p}-passive`, 'console.passive', bind('passive')));
  if (q.kind === 'ranked') params.push(field(`${p}-default`, 'console.default_option', bind('default_option')));
  const desc = q.orig && q.orig.description && Object.keys(q.orig.description).length;
  return h('fieldset', { class: 'card question-editor' },
    h('legend', {}, t('console.question', { id: q.id })),
    h('div', { class: 'row' },
      field(`${p}-kind`, 'console.kind', kindSel),
      field(`${p}-id`, 'console.question_id', bind('id')),
      field(`${p}-title`, 'console.question_title', bind('title'))),
    desc ? h('details', { class: 'description-kept' }, h('summary', {}, t('console.description_kept')),
      h('p', { tabindex: '0' }, shown(q.orig.description, q.lang))) : null,
    field(`${p}-options`, 'console.options', bind('options', { tag: 'textarea', rows: 4 })),
    h('p', { class: 'hint' }, t(q.kind === 'yes_no' ? 'console.options_yes_no' : 'console.options_hint')),
    h('div', { class: 'row' }, params),
    h('button', { type: 'button', onclick: onRemove }, t('console.remove_question')));
}
