// "Verify in this browser" on the results page (specs/booth.md §3): the
// published record (or a record file the observer picks) is checked by
// psephos-verifier compiled to wasm, in the worker, with progress and the
// same numbered steps as psephos-verify.
import { Crypto } from './client.js';
import { h, put, focus } from './dom.js';
import { t } from './i18n.js';

let crypto = null;

/** The panel; `recordUrl` is the published record of the round. */
export function verifyPanel(recordUrl) {
  const out = h('div', { id: 'verify-outcome', tabindex: '-1', role: 'status' });
  const bar = h('progress', { id: 'verify-progress', max: 1, value: 0, 'aria-label': t('verify.progress'), hidden: true });
  const run = async (bytes) => {
    crypto = crypto || new Crypto();
    bar.hidden = false;
    bar.value = 0;
    put(out, h('p', {}, t('verify.running')));
    try {
      const res = await crypto.call('verifyRecord', { record: bytes }, (p) => { bar.max = Math.max(1, p.total); bar.value = p.done; });
      const r = res.report;
      put(out,
        h('p', { class: r.valid ? 'ok' : 'problem', id: 'verify-verdict' }, t(r.valid ? 'verify.valid' : 'verify.invalid', { seconds: (res.ms / 1000).toFixed(1) })),
        h('ol', { class: 'verify-steps' }, r.steps.map((s) => h('li', { value: s.step },
          `${s.title}: `, h('strong', {}, t(!s.ran ? 'verify.not_run' : (s.ok ? 'verify.step_ok' : 'verify.step_failed'))), s.checked ? ` (${s.checked})` : ''))),
        r.failures.length ? h('ul', {}, r.failures.slice(0, 20).map((f) => h('li', { class: 'problem' }, `${f.step}: ${f.message}`))) : null,
        h('details', {}, h('summary', {}, t('verify.full_text')), h('pre', {}, res.text)));
    } catch (e) {
      put(out, h('p', { class: 'problem' }, t('err.generic', { code: e.code || 'internal' })));
    }
    bar.hidden = true;
    focus(out);
  };
  const file = h('input', { type: 'file', id: 'record-file', accept: '.jsonl,application/jsonl' });
  return h('section', { class: 'card', 'aria-labelledby': 'browser-verify-title' },
    h('h2', { id: 'browser-verify-title' }, t('verify.title')),
    h('p', {}, t('verify.intro')),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'verify-published', onclick: async () => {
      const res = await fetch(recordUrl, { cache: 'no-store' });
      run(new Uint8Array(await res.arrayBuffer()));
    } }, t('verify.published'))),
    h('label', { for: 'record-file' }, t('verify.file')), file,
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'verify-file', onclick: async () => {
      if (file.files[0]) run(new Uint8Array(await file.files[0].arrayBuffer()));
    } }, t('verify.check_file'))),
    bar, out);
}
