// The list of published member initiatives (initiatives.md §6,
// specs/booth.md §9): per proposal its title, summary, area, decision
// kind, state and support progress; a proposal the officers hid is
// listed as hidden with their public reason and without its texts.
import { getJson } from './api.js';
import { h, put } from './dom.js';
import { t } from './i18n.js';
import { session, progress, stateText, signinHref, startPage } from './member.js';

const s = { list: [], areas: {}, error: null };

function card(p) {
  const href = `/initiatives/${encodeURIComponent(p.id)}`;
  const head = p.hidden
    ? h('h2', {}, h('a', { href }, t('ini.hidden_title', { id: p.id })))
    : h('h2', {}, h('a', { href }, p.title));
  return h('li', { class: 'card proposal-card', id: `card-${p.id}` }, head,
    p.hidden ? h('p', { class: 'hidden-note' }, t('ini.hidden_reason', { reason: p.hidden.reason })) : h('p', {}, p.summary),
    h('dl', { class: 'facts' },
      p.area ? [h('dt', {}, t('ini.area')), h('dd', {}, s.areas[p.area] || p.area)] : null,
      p.decision ? [h('dt', {}, t('ini.decision')), h('dd', {}, t(`ini.decision_${p.decision}`))] : null,
      p.alternative_to ? [h('dt', {}, t('ini.alternative_to')), h('dd', {}, h('a', { href: `/initiatives/${encodeURIComponent(p.alternative_to)}` }, p.alternative_to))] : null,
      h('dt', {}, t('ini.state')), h('dd', { class: 'state' }, stateText(p)),
      h('dt', {}, t('ini.version')), h('dd', {}, String(p.version))),
    p.support && !p.alternative_to ? progress(`progress-${p.id}`, p.support) : null);
}

function render() {
  put(document.getElementById('content'),
    h('p', {}, t('ini.list_intro')),
    s.error ? h('p', { class: 'problem', role: 'alert' }, s.error) : null,
    h('div', { class: 'actions' }, session()
      ? h('a', { class: 'button primary', href: '/initiatives/new', id: 'new-proposal' }, t('ini.new_proposal'))
      : h('a', { class: 'button', href: signinHref() }, t('ini.sign_in_to_propose'))),
    s.list.length ? h('ul', { class: 'rounds', id: 'proposals' }, s.list.map(card)) : h('p', {}, t('ini.none')));
}

async function load() {
  const [list, settings] = await Promise.all([getJson('/initiatives/proposals'), getJson('/initiatives/settings')]);
  s.list = list;
  s.areas = Object.fromEntries(settings.areas.map((a) => [a.id, a.title]));
}

function start() {
  return startPage({ render, load, onError: (e) => { s.error = e; } });
}

start();
