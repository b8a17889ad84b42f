// The deliberation parts of a proposal's page (initiatives.md §3.2–§3.4,
// specs/booth.md §9): the differences between two versions (insertions
// green and underlined, deletions red and struck through, each marked
// for screen readers), the amendments with propose / accept / reject, and
// the comments. Every text here is a member's and is shown as text.
import { h } from './dom.js';
import { t } from './i18n.js';
import { when } from './member.js';

/** The line differences of one field (`[{op, text}]`) as <ins>/<del>/text runs. */
export function diffBlock(label, ops, id) {
  const changed = ops.some((o) => o.op !== 'equal');
  return h('div', { class: 'diff-field' }, h('h4', {}, label),
    changed ? h('div', { class: 'diff', id }, ops.map((o) => {
      if (o.op === 'insert') return h('ins', { class: 'diff-ins' }, h('span', { class: 'visually-hidden' }, t('ini.inserted')), o.text);
      if (o.op === 'delete') return h('del', { class: 'diff-del' }, h('span', { class: 'visually-hidden' }, t('ini.deleted')), o.text);
      return h('span', {}, o.text);
    })) : h('p', { class: 'hint' }, t('ini.unchanged')));
}

/** The differences section: two version selectors and the result. */
export function diffSection(s, load) {
  const v = s.view.version;
  const pick = (name) => {
    const el = h('select', { id: `diff-${name}`, onchange: () => { s[name === 'from' ? 'diffFrom' : 'diffTo'] = Number(el.value); } },
      Array.from({ length: v }, (_, i) => i + 1).map((n) => h('option', { value: n, selected: n === (name === 'from' ? s.diffFrom : s.diffTo) }, t('ini.version_n', { n }))));
    return h('div', { class: 'field' }, h('label', { for: el.id }, t(`ini.diff_${name}`)), el);
  };
  const d = s.diff;
  return h('section', { 'aria-labelledby': 'diff-title', class: 'card' }, h('h2', { id: 'diff-title' }, t('ini.diff_title')),
    v < 2 ? h('p', {}, t('ini.one_version')) : [
      h('p', { class: 'hint' }, t('ini.diff_legend')),
      h('div', { class: 'row' }, pick('from'), pick('to'),
        h('button', { type: 'button', id: 'show-diff', onclick: () => load() }, t('ini.show_diff'))),
      d ? h('div', { id: 'diff-result', 'aria-live': 'polite' },
        h('h3', {}, t('ini.diff_between', { from: d.from, to: d.to })),
        diffBlock(t('ini.field_title'), d.title, 'diff-title-ops'),
        diffBlock(t('ini.field_summary'), d.summary, 'diff-summary-ops'),
        diffBlock(t('ini.field_body'), d.body, 'diff-body')) : null]);
}

function amendmentItem(a, s, act) {
  const mine = s.me && s.me.member === s.view.author;
  // The author may still reject an open amendment of a hidden proposal,
  // never accept one (initiatives.md §3.5).
  const open = a.state === 'open' && s.view.state === 'deliberation';
  const reason = h('input', { type: 'text', id: `reject-reason-${a.id}`, value: s.forms[`reject-${a.id}`] || '', oninput: () => { s.forms[`reject-${a.id}`] = reason.value; } });
  return h('li', { class: 'card amendment', id: `amendment-${a.id}` },
    h('h3', {}, t('ini.amendment_head', { id: a.id, version: a.input ? a.input.version : '—', author: a.author })),
    h('p', { class: `amendment-state state-${a.state}` }, t(`ini.amendment_${a.state}`, { version: a.made_version, reason: a.reason || '' })),
    a.hidden ? h('p', { class: 'hidden-note' }, t('ini.hidden_reason', { reason: a.hidden.reason })) : [
      h('p', {}, t('ini.rationale'), ' ', a.input.rationale),
      a.input.title ? h('p', {}, t('ini.field_title'), ': ', a.input.title) : null,
      a.input.summary ? h('p', {}, t('ini.field_summary'), ': ', a.input.summary) : null,
      h('details', {}, h('summary', {}, t('ini.amendment_text')), h('pre', { class: 'plain', tabindex: '0' }, a.input.body))],
    mine && open ? h('div', { class: 'actions' },
      a.hidden || s.view.hidden ? null : h('button', { type: 'button', class: 'primary', id: `accept-${a.id}`, onclick: () => act('POST', `/amendments/${encodeURIComponent(a.id)}/accept`, undefined, 'ini.accepted') }, t('ini.accept')),
      h('div', { class: 'field' }, h('label', { for: reason.id }, t('ini.reject_reason')), reason),
      h('button', { type: 'button', id: `reject-${a.id}`, onclick: () => act('POST', `/amendments/${encodeURIComponent(a.id)}/reject`, { reason: reason.value }, 'ini.rejected') }, t('ini.reject'))) : null);
}

/** The amendments, with accept/reject for the author and the form to propose one. */
export function amendmentsSection(s, act) {
  const v = s.view;
  const canPropose = s.me && v.state === 'deliberation' && !v.hidden;
  const f = s.forms;
  const cur = v.input || {};
  if (f.amBody === undefined) f.amBody = cur.body || '';
  const body = h('textarea', { id: 'amendment-body', rows: 10, required: true, value: f.amBody, 'aria-describedby': 'amendment-body-hint', oninput: () => { f.amBody = body.value; } });
  const rationale = h('input', { type: 'text', id: 'amendment-rationale', required: true, value: f.amRationale || '', oninput: () => { f.amRationale = rationale.value; } });
  return h('section', { 'aria-labelledby': 'amendments-title', class: 'card' }, h('h2', { id: 'amendments-title' }, t('ini.amendments')),
    s.amendments.length ? h('ul', { class: 'rounds', id: 'amendments' }, s.amendments.map((a) => amendmentItem(a, s, act))) : h('p', {}, t('ini.no_amendments')),
    canPropose ? h('form', { 'aria-labelledby': 'amend-title', onsubmit: (e) => {
      e.preventDefault();
      act('POST', '/amendments', { version: v.version, body: f.amBody, rationale: f.amRationale || '' }, 'ini.amendment_proposed', () => { f.amBody = undefined; f.amRationale = ''; });
    } }, h('h3', { id: 'amend-title' }, t('ini.propose_amendment', { version: v.version })),
    h('label', { for: 'amendment-body' }, t('ini.amendment_body')), body,
    h('p', { class: 'hint', id: 'amendment-body-hint' }, t('ini.body_hint')),
    h('label', { for: 'amendment-rationale' }, t('ini.rationale')), rationale,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'propose-amendment', disabled: s.busy }, t('ini.propose')))) : null);
}

/** The comments (plain text; hidden ones with the officers' reason) and the form. */
export function commentsSection(s, act) {
  const v = s.view;
  const text = h('textarea', { id: 'comment-body', rows: 4, required: true, value: s.forms.comment || '', oninput: () => { s.forms.comment = text.value; } });
  return h('section', { 'aria-labelledby': 'comments-title', class: 'card' }, h('h2', { id: 'comments-title' }, t('ini.comments')),
    s.comments.length ? h('ul', { class: 'rounds', id: 'comments' }, s.comments.map((c) => h('li', { class: 'comment', id: `comment-${c.id}` },
      h('p', { class: 'hint' }, t('ini.comment_by', { author: c.author, at: when(c.created_at) })),
      c.hidden ? h('p', { class: 'hidden-note' }, t('ini.hidden_reason', { reason: c.hidden.reason })) : h('p', { class: 'plain' }, c.body)))) : h('p', {}, t('ini.no_comments')),
    s.me && !v.hidden ? h('form', { onsubmit: (e) => {
      e.preventDefault();
      act('POST', '/comments', { body: s.forms.comment || '' }, 'ini.commented', () => { s.forms.comment = ''; });
    } }, h('label', { for: 'comment-body' }, t('ini.your_comment')), text,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'post-comment', disabled: s.busy }, t('ini.post_comment')))) : null);
}
