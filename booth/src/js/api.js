// Same-origin calls to the server's API (specs/server-api.md). Nothing
// here ever sends a credential: the code stays in the page and its worker.

/** The API prefix. */
export const API = '/api/v1';

/** An API refusal with its stable code (server-api.md §3). */
export class ApiError extends Error {
  constructor(status, code, message, lines) {
    super(`${code}: ${message}`);
    this.status = status;
    this.code = code;
    this.detail = message;
    this.lines = lines || [];
  }
}

/** The ApiError of a refused response. */
export async function fail(res) {
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON */ }
  const e = body && body.error;
  return new ApiError(res.status, e ? e.code : `http.${res.status}`, e ? e.message : res.statusText, e && e.lines);
}

/** GET returning the exact bytes (manifest, result: hash what you get). */
export async function getBytes(path, token) {
  const res = await fetch(API + path, { headers: auth(token), cache: 'no-store' });
  if (!res.ok) throw await fail(res);
  return new Uint8Array(await res.arrayBuffer());
}

/** GET returning the response text. */
export async function getText(path, token) {
  const res = await fetch(API + path, { headers: auth(token), cache: 'no-store' });
  if (!res.ok) throw await fail(res);
  return res.text();
}

/** GET returning parsed JSON. */
export async function getJson(path, token) {
  return JSON.parse(await getText(path, token));
}

/** POST a body (bytes or string) with a content type; returns the answer's text. */
export async function post(path, body, type = 'application/json', token = null, method = 'POST') {
  const res = await fetch(API + path, {
    method,
    headers: { 'Content-Type': type, ...auth(token) },
    body,
    cache: 'no-store',
  });
  if (!res.ok) throw await fail(res);
  return res.text();
}

function auth(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Offers `text` as a file download (no request leaves the page). */
export function download(name, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The round id in a page path such as /booth/{round}. */
export function roundFromPath() {
  const parts = location.pathname.split('/').filter(Boolean);
  return parts.length >= 2 ? decodeURIComponent(parts[1]) : null;
}
