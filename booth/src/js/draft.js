// The officer console's round editor (specs/booth.md §3): a RoundDraft
// (server-api.md §4) with questions of every kind, built from form
// fields. Option lines are `id` or `id: label`.
import { h } from './dom.js';
import { t, lang } from './i18n.js';

/** The question kinds the editor offers. */
export const KINDS = ['yes_no', 'choice', 'approval', 'score', 'systemic_consensus', 'ranked'];

let nextId = 1;

/** A fresh question in the editor. */
export function newQuestion(kind = 'yes_no') {
  const n = nextId++;
  return { key: n, kind, id: `q${n}`, title: '', options: kind === 'yes_no' ? 'yes\nno\nabstain' : '', min: 1, max: 1, seats: 1, points: kind === 'score' ? 5 : 10, passive: '', default_option: '' };
}

function parseOptions(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.indexOf(':');
    return i > 0 ? { id: l.slice(0, i).trim(), label: l.slice(i + 1).trim() } : { id: l, label: l };
  });
}

/** The manifest question (record.md §2) of an editor entry. */
export function questionJson(q) {
  const l = lang();
  const opts = parseOptions(q.options);
  const n = opts.length;
  const kind = {
    yes_no: () => ({ yes_no: { rules: { quorum: null, majority: { num: 1, den: 2, strict: true } } } }),
    choice: () => ({ choice: { min: Number(q.min), max: Number(q.max), seats: Number(q.seats) } }),
    approval: () => ({ approval: { min: 0, max: n, seats: Number(q.seats) } }),
    score: () => ({ score: { max: Number(q.points), unrated: 'counts_as_max' } }),
    systemic_consensus: () => ({ systemic_consensus: { max_resistance: Number(q.points), unrated: 'counts_as_max', ...(q.passive ? { passive_solution: q.passive } : {}) } }),
    ranked: () => ({ ranked: q.default_option ? { default_option: { option: q.default_option } } : {} }),
  }[q.kind]();
  return {
    id: q.id,
    title: { [l]: q.title || q.id },
    options: opts.map((o) => ({ id: o.id, label: { [l]: o.label } })),
    kind,
  };
}

/** The RoundDraft of the editor's fields. */
export function draftJson(d) {
  return {
    election: d.election,
    title: { [lang()]: d.title || d.election },
    questions: d.questions.map(questionJson),
    schedule: { opens_at: Math.floor(new Date(d.opens).getTime() / 1000), closes_at: Math.floor(new Date(d.closes).getTime() / 1000) },
    revote: d.revote,
    credential_mode: 'server',
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
  return h('fieldset', { class: 'card question-editor' },
    h('legend', {}, t('console.question', { id: q.id })),
    h('div', { class: 'row' },
      field(`${p}-kind`, 'console.kind', kindSel),
      field(`${p}-id`, 'console.question_id', bind('id')),
      field(`${p}-title`, 'console.question_title', bind('title'))),
    field(`${p}-options`, 'console.options', bind('options', { tag: 'textarea', rows: 4 })),
    h('p', { class: 'hint' }, t(q.kind === 'yes_no' ? 'console.options_yes_no' : 'console.options_hint')),
    h('div', { class: 'row' }, params),
    h('button', { type: 'button', onclick: onRemove }, t('console.remove_question')));
}
