// The booth's Web Worker (specs/booth.md §3): loads psephos-booth-wasm
// (fetched with Subresource Integrity) and runs every heavy or secret
// operation off the page's thread. The credential key lives here, inside
// the wasm session, and never leaves it.
import init, { Booth, checkCode, parseManifest, checkReceipt, checkOnBoard, verifyRecord } from '../pkg/psephos_booth.js';

/* global __WASM_SRI__ */
let ready = null;
let booth = null;

function load() {
  if (!ready) {
    const url = new URL('psephos_booth_bg.wasm', self.location.href);
    ready = fetch(url, { integrity: __WASM_SRI__, credentials: 'omit' }).then((r) => init({ module_or_path: r }));
  }
  return ready;
}

const ops = {
  checkCode: ({ code }) => checkCode(code),
  parseManifest: ({ manifest }) => JSON.parse(parseManifest(manifest)),
  open: ({ manifest, code }) => {
    if (booth) booth.free();
    booth = new Booth(manifest, code);
    return { election_id: booth.electionId(), credential: booth.credential() };
  },
  encrypt: ({ choices }, progress) => {
    progress('proving');
    const started = performance.now();
    const out = JSON.parse(booth.encrypt(JSON.stringify(choices)));
    out.ms = performance.now() - started;
    progress('done');
    return out;
  },
  ballotBytes: () => booth.ballotBytes(),
  audit: () => JSON.parse(booth.audit()),
  forget: () => { booth.forget(); return null; },
  close: () => { if (booth) { booth.free(); booth = null; } return null; },
  checkReceipt: ({ manifest, receipt, kind, payload }) => JSON.parse(checkReceipt(manifest, receipt, kind, payload)),
  verifyRecord: ({ record }, progress) => {
    globalThis.psephosProgress = (done, total) => progress({ done, total });
    const t0 = performance.now();
    const out = JSON.parse(verifyRecord(record));
    out.ms = performance.now() - t0;
    return out;
  },
  checkOnBoard: (a) => JSON.parse(checkOnBoard(a.manifest, a.tracking, a.entry, a.checkpoint, a.inclusion, a.receipt || '', a.consistency || '')),
};

self.onmessage = async (ev) => {
  const { id, op, args } = ev.data;
  try {
    await load();
    const result = ops[op](args || {}, (stage) => self.postMessage({ id, progress: stage }));
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    const msg = String(e && e.message ? e.message : e);
    self.postMessage({ id, ok: false, code: msg.split(':')[0], error: msg });
  }
};
