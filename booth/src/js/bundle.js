// The bundle page: the SHA-256 of every file the server serves for the
// booth, as the server computes it, and how to compare it with a
// reproducible build (specs/booth.md §2).
import { h, put } from './dom.js';
import { initI18n, t, switcher, translatePage } from './i18n.js';

let info = null;

function render() {
  if (!info) return;
  put(document.getElementById('content'),
    h('p', {}, t('bundle.intro')),
    h('p', {}, t('bundle.hash')), h('p', { class: 'code', id: 'bundle-hash' }, h('code', {}, info.bundle)),
    h('h2', {}, t('bundle.built_with')),
    h('dl', {}, Object.entries(info.built_with).filter(([k]) => k !== 'bundle').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h2', {}, t('bundle.reproduce')),
    h('p', {}, t('bundle.reproduce_how')),
    h('pre', {}, 'booth/build.sh && cat booth/dist/BUILD-INFO'),
    h('h2', {}, t('bundle.files')),
    h('table', {}, h('caption', {}, t('bundle.files')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('bundle.file')), h('th', { scope: 'col' }, 'SHA-256'))),
      h('tbody', {}, Object.entries(info.files).map(([f, s]) => h('tr', {}, h('td', {}, f), h('td', {}, h('code', {}, s)))))));
}

async function start() {
  await initI18n();
  translatePage();
  document.getElementById('lang').replaceWith(switcher(render));
  const res = await fetch('/bundle.json', { cache: 'no-store' });
  info = await res.json();
  render();
}

start();
