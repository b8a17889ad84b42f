// The page's side of the worker protocol: every call is a promise, with
// an optional progress callback (specs/booth.md §3).

/** A worker running psephos-booth-wasm. */
export class Crypto {
  constructor() {
    this.worker = new Worker('/static/worker.js', { type: 'module', name: 'psephos-crypto' });
    this.next = 1;
    this.calls = new Map();
    this.worker.onmessage = (ev) => {
      const { id, progress, ok, result, code, error } = ev.data;
      const c = this.calls.get(id);
      if (!c) return;
      if (progress) { if (c.progress) c.progress(progress); return; }
      this.calls.delete(id);
      if (ok) c.resolve(result);
      else { const e = new Error(error); e.code = code; c.reject(e); }
    };
  }

  /** Runs `op` in the worker. */
  call(op, args, progress) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject, progress });
      this.worker.postMessage({ id, op, args });
    });
  }
}
