// The landing page: the rounds on this server, with links to their booth,
// board check and results (specs/booth.md §3).
import { getJson } from './api.js';
import { h, put } from './dom.js';
import { initI18n, t, switcher, translatePage } from './i18n.js';

let rounds = [];
let failed = null;

function render() {
  const list = h('ul', { class: 'rounds' }, rounds.map((r) => {
    const id = encodeURIComponent(r.election);
    return h('li', { class: 'card' },
      h('h2', {}, r.election), h('p', {}, t(`state.${r.state}`)),
      h('div', { class: 'actions' },
        r.state === 'open' ? h('a', { class: 'button primary', href: `/booth/${id}` }, t('index.vote')) : null,
        r.election_id ? h('a', { class: 'button', href: `/check/${id}` }, t('index.check')) : null,
        r.election_id ? h('a', { class: 'button', href: `/results/${id}` }, t('index.results')) : null));
  }));
  put(document.getElementById('content'),
    h('p', {}, t('index.intro')),
    failed ? h('p', { class: 'problem', role: 'alert' }, failed) : null,
    rounds.length ? list : h('p', {}, t('index.none')),
    h('p', {}, h('a', { href: '/initiatives', id: 'initiatives-link' }, t('index.initiatives'))),
    h('p', {}, h('a', { href: '/console' }, t('index.console'))));
}

async function start() {
  await initI18n();
  translatePage();
  document.getElementById('lang').replaceWith(switcher(render));
  try {
    const r = await getJson('/rounds');
    rounds = Array.isArray(r) ? r : r.rounds || [];
  } catch (e) {
    failed = t('err.generic', { code: e.code || 'network' });
  }
  render();
}

start();
