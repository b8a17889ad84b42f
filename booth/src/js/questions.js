// One question of the manifest as a form control, per kind (protocol.md
// §8, ranked.md), holding the voter's choice in the shapes of
// specs/booth.md §4.
import { h } from './dom.js';
import { t, text } from './i18n.js';
import { rankingWidget } from './ranking.js';

/** The kind tag of a manifest question and its parameters. */
export function kindOf(q) {
  const kind = Object.keys(q.kind)[0];
  return { kind, p: q.kind[kind] || {} };
}

/** Whether the question is answered with one option id. */
function single(q) {
  const { kind, p } = kindOf(q);
  return kind === 'yes_no' || (kind === 'choice' && p.max === 1);
}

/** The initial choice for a question. */
export function initialChoice(q) {
  const { kind } = kindOf(q);
  if (single(q)) return null;
  if (kind === 'choice' || kind === 'approval') return [];
  if (kind === 'score' || kind === 'systemic_consensus') return {};
  return [];
}

/** Why the choice cannot be encrypted yet, or null when it can. */
export function problem(q, c) {
  const { kind, p } = kindOf(q);
  if (single(q)) return c ? null : t('q.pick_one');
  if (kind === 'choice' || kind === 'approval') {
    if (c.length < p.min) return t('q.pick_at_least', { count: p.min });
    if (c.length > p.max) return t('q.pick_at_most', { count: p.max });
    return null;
  }
  if (kind === 'score' || kind === 'systemic_consensus') {
    if (p.unrated === 'refused' && Object.keys(c).length < q.options.length) return t('q.rate_all');
  }
  return null;
}

const optLabel = (q, id) => text(q.options.find((o) => o.id === id).label);

/** A readable summary of a choice (review page, audit). */
export function summary(q, c) {
  const { kind, p } = kindOf(q);
  if (single(q)) return c ? (kind === 'yes_no' ? t(`yes_no.${c}`) : optLabel(q, c)) : t('q.none');
  if (kind === 'choice' || kind === 'approval') return c.length ? c.map((id) => optLabel(q, id)).join(', ') : t('q.none');
  if (kind === 'score' || kind === 'systemic_consensus') {
    const max = kind === 'score' ? p.max : p.max_resistance;
    return q.options.map((o) => `${text(o.label)}: ${c[o.id] ?? t('q.unrated_as', { max })}`).join('; ');
  }
  return c.length ? c.map((tier, i) => `${i + 1}. ${tier.map((id) => optLabel(q, id)).join(' = ')}`).join('  ') : t('ranked.all_tied');
}

function choiceButtons(q, state, changed) {
  const { kind } = kindOf(q);
  const name = `q-${q.id}`;
  const multi = !single(q);
  return h('div', { class: 'options' }, q.options.map((o) => {
    const id = `${name}-${o.id}`;
    const checked = multi ? state[q.id].includes(o.id) : state[q.id] === o.id;
    const input = h('input', {
      type: multi ? 'checkbox' : 'radio', name, id, value: o.id, checked,
      onchange: () => {
        if (multi) {
          const set = new Set(state[q.id]);
          if (input.checked) set.add(o.id); else set.delete(o.id);
          state[q.id] = q.options.map((x) => x.id).filter((x) => set.has(x));
        } else state[q.id] = o.id;
        changed();
      },
    });
    const lbl = kind === 'yes_no' ? t(`yes_no.${o.id}`) : text(o.label);
    return h('div', { class: 'option' }, input, h('label', { for: id, class: 'choice-button' }, lbl));
  }));
}

function stepper(q, o, max, state, changed, passive) {
  const id = `q-${q.id}-${o.id}`;
  const value = state[q.id][o.id];
  const input = h('input', {
    type: 'number', id, min: 0, max, step: 1, inputmode: 'numeric', value: value ?? '',
    'aria-describedby': `${id}-hint`,
    oninput: () => {
      const v = input.value === '' ? null : Math.max(0, Math.min(max, Math.round(Number(input.value))));
      if (v === null || Number.isNaN(v)) delete state[q.id][o.id]; else state[q.id][o.id] = v;
      note.textContent = hint();
      changed();
    },
  });
  const hint = () => (state[q.id][o.id] === undefined ? t('q.unrated_as', { max }) : '');
  const note = h('span', { id: `${id}-hint`, class: 'hint' }, hint());
  const step = (d) => {
    const cur = state[q.id][o.id];
    const v = Math.max(0, Math.min(max, (cur === undefined ? (d > 0 ? -1 : max + 1) : cur) + d));
    state[q.id][o.id] = v;
    input.value = v;
    note.textContent = hint();
    changed();
  };
  return h('div', { class: `stepper${passive ? ' passive' : ''}` },
    h('label', { for: id }, text(o.label), passive ? h('span', { class: 'badge' }, t('sc.passive_badge')) : null),
    h('div', { class: 'steps' },
      h('button', { type: 'button', class: 'mini', 'aria-label': t('q.less', { option: text(o.label) }), onclick: () => step(-1) }, '−'),
      input,
      h('button', { type: 'button', class: 'mini', 'aria-label': t('q.more', { option: text(o.label) }), onclick: () => step(1) }, '+')),
    note);
}

/** The fieldset of question `q` (number `i` of `n`); `state[q.id]` holds its choice. */
export function questionField(q, i, n, state, changed) {
  const { kind, p } = kindOf(q);
  const legend = h('legend', {}, h('span', { class: 'qnum' }, t('q.number', { i: i + 1, n })), ' ', text(q.title));
  const desc = text(q.description) ? h('p', { class: 'description' }, text(q.description)) : null;
  const err = h('p', { class: 'problem', id: `q-${q.id}-problem`, 'aria-live': 'polite' });
  const update = () => { const pr = problem(q, state[q.id]); err.textContent = pr && state.touched?.[q.id] ? pr : ''; };
  const touched = () => { state.touched = state.touched || {}; state.touched[q.id] = true; update(); changed(); };
  let body;
  if (kind === 'yes_no' || kind === 'choice' || kind === 'approval') {
    const help = kind === 'approval' ? t('q.approval_help', { min: p.min, max: p.max })
      : (kind === 'choice' && p.max > 1 ? t('q.choice_help', { min: p.min, max: p.max }) : null);
    body = [help ? h('p', { class: 'hint' }, help) : null, choiceButtons(q, state, touched)];
  } else if (kind === 'score' || kind === 'systemic_consensus') {
    const max = kind === 'score' ? p.max : p.max_resistance;
    const passive = kind === 'systemic_consensus' ? p.passive_solution : null;
    const explain = kind === 'systemic_consensus'
      ? [h('p', { class: 'hint' }, t('sc.how', { max })),
        passive ? h('p', { class: 'hint passive-note' }, t('sc.passive', { option: optLabel(q, passive) })) : null]
      : [h('p', { class: 'hint' }, t('score.how', { max }))];
    body = [explain, h('div', { class: 'steppers' }, q.options.map((o) => stepper(q, o, max, state, touched, o.id === passive)))];
  } else {
    body = [rankingWidget(q, state[q.id], touched)];
  }
  const fs = h('fieldset', { class: `question kind-${kind}`, id: `q-${q.id}`, 'aria-describedby': err.id }, legend, desc, body, err);
  fs.update = update;
  return fs;
}
