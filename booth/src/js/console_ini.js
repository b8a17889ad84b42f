// The officers' side of member initiatives in the console
// (initiatives.md §2.1, §3.4–§3.6, §7.2; specs/booth.md §3, §9): the
// member roll import (refusals by line), the settings (areas and their
// thresholds, the officers' days, the body limit) as JSON, the frozen
// proposals awaiting the officers with their deadline — schedule (once
// the AMV draft's ceremony started) or decline with a public reason —
// and moderation: hide a proposal, an amendment or a comment with a
// public reason.
import { getJson, post } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

const st = { loaded: false, roll: null, settings: '', proposals: [], views: {}, amendments: {}, comments: {}, rollText: '', rollErrors: null, rollImport: null, reasons: {} };

/** Loads what the initiatives view shows. */
export async function loadInitiatives() {
  const [roll, settings, list] = await Promise.all([getJson('/initiatives/roll'), getJson('/initiatives/settings'), getJson('/initiatives/proposals')]);
  st.roll = roll.members.length;
  if (!st.loaded || !st.settingsDirty) st.settings = JSON.stringify(settings, null, 2);
  st.proposals = list;
  const ids = list.map((p) => encodeURIComponent(p.id));
  const [views, ams, cms] = await Promise.all([
    Promise.all(ids.map((p) => getJson(`/initiatives/proposals/${p}`))),
    Promise.all(ids.map((p) => getJson(`/initiatives/proposals/${p}/amendments`).catch(() => []))),
    Promise.all(ids.map((p) => getJson(`/initiatives/proposals/${p}/comments`).catch(() => []))),
  ]);
  list.forEach((p, i) => { st.views[p.id] = views[i]; st.amendments[p.id] = ams[i]; st.comments[p.id] = cms[i]; });
  st.loaded = true;
}

function reasonField(key, label) {
  const el = h('input', { type: 'text', id: `reason-${key}`, value: st.reasons[key] || '', oninput: () => { st.reasons[key] = el.value; } });
  return h('div', { class: 'field' }, h('label', { for: el.id }, label), el);
}

function rollPart(c) {
  const csv = h('textarea', { id: 'member-roll-csv', rows: 5, 'aria-describedby': 'member-roll-hint', value: st.rollText, oninput: () => { st.rollText = csv.value; } });
  const file = h('input', { type: 'file', id: 'member-roll-file', accept: '.csv,text/csv', onchange: async () => { st.rollText = await file.files[0].text(); csv.value = st.rollText; } });
  return h('section', { 'aria-labelledby': 'member-roll-title', class: 'card' }, h('h3', { id: 'member-roll-title' }, t('cini.roll_title')),
    h('p', { id: 'member-roll-size' }, t('cini.roll_size', { count: st.roll ?? 0 })),
    h('p', { class: 'hint', id: 'member-roll-hint' }, t('cini.roll_hint')),
    h('label', { for: 'member-roll-file' }, t('console.roll_file')), file,
    h('label', { for: 'member-roll-csv' }, t('console.roll_text')), csv,
    h('div', { class: 'actions' }, c.button('import-member-roll', 'cini.import_roll', async () => {
      st.rollErrors = null;
      try {
        st.rollImport = JSON.parse(await post('/officer/initiatives/roll', st.rollText, 'text/csv', c.token()));
      } catch (e) {
        if (e.lines && e.lines.length) st.rollErrors = e.lines;
        throw e;
      }
    }, () => t('cini.roll_imported', { members: st.rollImport.members, count: st.rollImport.logs_grown }))),
    st.rollErrors ? h('div', { id: 'member-roll-errors', role: 'alert' }, h('p', { class: 'problem' }, t('console.roll_errors', { count: st.rollErrors.length })),
      h('ul', {}, st.rollErrors.map((l) => h('li', {}, t('console.line', { line: l.line, message: l.message }))))) : null);
}

function settingsPart(c) {
  const area = h('textarea', { id: 'ini-settings', rows: 10, 'aria-describedby': 'ini-settings-hint', value: st.settings, oninput: () => { st.settings = area.value; st.settingsDirty = true; } });
  return h('section', { 'aria-labelledby': 'ini-settings-title', class: 'card' }, h('h3', { id: 'ini-settings-title' }, t('cini.settings_title')),
    h('p', { class: 'hint', id: 'ini-settings-hint' }, t('cini.settings_hint')),
    h('label', { for: 'ini-settings' }, t('cini.settings_json')), area,
    h('div', { class: 'actions' }, c.button('save-ini-settings', 'cini.save_settings', async () => {
      let body;
      try { body = JSON.stringify(JSON.parse(st.settings)); } catch (_) { throw Object.assign(new Error('json'), { text: t('cini.settings_not_json') }); }
      await post('/officer/initiatives/settings', body, 'application/json', c.token(), 'PUT');
      st.settingsDirty = false;
    }, 'cini.settings_saved')));
}

function officerPost(c, path, body) {
  return post(`/officer/initiatives/proposals/${path}`, JSON.stringify(body), 'application/json', c.token());
}

function awaiting(c, p, v) {
  const a = v.amv;
  const pid = encodeURIComponent(p.id);
  const waiting = a.state === 'awaiting_officers' || a.state === 'overdue';
  return h('li', { class: 'card', id: `frozen-${p.id}` },
    h('h4', {}, p.title || p.id),
    h('p', { class: 'amv-line' }, t(`ini.amv_${a.state}`, { round: a.round, deadline: c.when(a.deadline), reason: a.reason || '' })),
    h('p', {}, t('ini.deadline', { deadline: c.when(a.deadline) })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'link', id: `open-round-${a.round}`, onclick: () => c.openRound(a.round) }, t('cini.open_draft', { round: a.round })),
      h('a', { href: `/initiatives/${pid}` }, t('cini.public_page'))),
    waiting ? [h('p', { class: 'hint' }, t('cini.schedule_hint')),
      h('div', { class: 'actions' }, c.button(`schedule-${p.id}`, 'cini.schedule', () => officerPost(c, `${pid}/schedule`, {}), 'cini.scheduled')),
      reasonField(`decline-${p.id}`, t('cini.decline_reason')),
      h('div', { class: 'actions' }, c.button(`decline-${p.id}`, 'cini.decline', () => officerPost(c, `${pid}/decline`, { reason: st.reasons[`decline-${p.id}`] || '' }), 'cini.declined', false))] : null);
}

function moderation(c, p, v) {
  const pid = encodeURIComponent(p.id);
  const ams = (st.amendments[p.id] || []).filter((a) => !a.hidden && a.state !== 'accepted');
  const cms = (st.comments[p.id] || []).filter((x) => !x.hidden);
  return h('li', { class: 'card', id: `moderate-${p.id}` },
    h('h4', {}, p.hidden ? p.id : `${p.title} (${p.id})`),
    h('p', {}, t('ini.state'), ': ', p.hidden ? t('ini.state_hidden') : t(`ini.state_${v.state}`)),
    p.hidden ? h('p', { class: 'hidden-note' }, t('ini.hidden_reason', { reason: p.hidden.reason }))
      : v.state === 'deliberation' ? [reasonField(`hide-${p.id}`, t('cini.hide_reason')),
        h('div', { class: 'actions' }, c.button(`hide-${p.id}`, 'cini.hide_proposal', () => officerPost(c, `${pid}/hide`, { reason: st.reasons[`hide-${p.id}`] || '' }), 'cini.hidden', false))] : null,
    ams.map((a) => h('div', { class: 'moderate-item' }, h('p', {}, t('cini.amendment', { id: a.id, author: a.author, state: t(`ini.amendment_${a.state}`, { version: a.made_version, reason: a.reason || '' }) })),
      reasonField(`hide-${a.id}`, t('cini.hide_reason')),
      c.button(`hide-${a.id}`, 'cini.hide_amendment', () => officerPost(c, `${pid}/amendments/${encodeURIComponent(a.id)}/hide`, { reason: st.reasons[`hide-${a.id}`] || '' }), 'cini.hidden', false))),
    cms.map((x) => h('div', { class: 'moderate-item' }, h('p', {}, t('cini.comment', { id: x.id, author: x.author })), h('p', { class: 'plain' }, x.body),
      reasonField(`hide-${x.id}`, t('cini.hide_reason')),
      c.button(`hide-${x.id}`, 'cini.hide_comment', () => officerPost(c, `${pid}/comments/${encodeURIComponent(x.id)}/hide`, { reason: st.reasons[`hide-${x.id}`] || '' }), 'cini.hidden', false))));
}

/**
 * The initiatives view. `c` is the console: `token()`, `button(id, key,
 * fn, okKey, primary)` (an action with its refusal shown), `openRound(id)`
 * and `when(secs)`.
 */
export function initiativesView(c) {
  if (!st.loaded) return h('p', {}, t('app.loading'));
  const frozen = st.proposals.filter((p) => st.views[p.id] && st.views[p.id].amv);
  return h('section', { 'aria-labelledby': 'ini-title' }, h('h2', { id: 'ini-title' }, t('cini.title')),
    h('section', { 'aria-labelledby': 'awaiting-title', class: 'card' }, h('h3', { id: 'awaiting-title' }, t('cini.awaiting')),
      frozen.length ? h('ul', { class: 'rounds', id: 'frozen-proposals' }, frozen.map((p) => awaiting(c, p, st.views[p.id]))) : h('p', {}, t('cini.none_frozen'))),
    h('section', { 'aria-labelledby': 'moderate-title', class: 'card' }, h('h3', { id: 'moderate-title' }, t('cini.moderation')),
      st.proposals.length ? h('ul', { class: 'rounds' }, st.proposals.map((p) => moderation(c, p, st.views[p.id]))) : h('p', {}, t('ini.none'))),
    rollPart(c), settingsPart(c));
}
