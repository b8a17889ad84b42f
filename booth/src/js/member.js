// The member's side of the initiatives pages (specs/initiatives.md §2.3,
// specs/booth.md §9): the session lives in an HttpOnly cookie the page
// never sees; the CSRF token of the session answer (`GET /members/me`) is
// kept in memory only and sent as `X-CSRF-Token` on every POST and PUT.
import { API, fail, getJson } from './api.js';
import { h, put, focus, announce } from './dom.js';
import { t, lang, initI18n, switcher, translatePage } from './i18n.js';

let me = null;

/** The signed-in member (`{member, csrf, expires_at}`) or null. */
export async function loadSession() {
  try {
    me = await getJson('/members/me');
  } catch (e) {
    if (e.code !== 'auth.member_required') throw e;
    me = null;
  }
  return me;
}

/** The session as last loaded (or set by a sign-in). */
export function session() {
  return me;
}

/** Takes the session answer of a sign-in. */
export function setSession(view) {
  me = view;
}

/** A same-origin call with the session cookie and the CSRF token; parsed JSON or null. */
export async function send(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (me && me.csrf) headers['X-CSRF-Token'] = me.csrf;
  const res = await fetch(API + path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await fail(res);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** A refusal in the current language: the code's text, then the code and the server's message. */
export function errorText(e) {
  if (e.text) return e.text;
  const key = `err.${e.code}`;
  const tr = t(key);
  const message = e.detail ?? e.message;
  return tr === key ? t('ini.failed', { code: e.code || 'network', message }) : t('ini.refused', { text: tr, code: e.code, message });
}

/** A date and time in the current language. */
export function when(secs) {
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(secs * 1000));
}

/** The path of the sign-in page that comes back to this page afterwards. */
export function signinHref() {
  return `/initiatives/signin?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/** The header's member box: who is signed in and a sign-out button, or a sign-in link. */
export function memberBox(onChange) {
  const box = document.getElementById('member');
  if (!box) return;
  if (!me) {
    put(box, h('a', { href: signinHref(), id: 'signin-link' }, t('ini.sign_in')));
    return;
  }
  put(box, h('span', { id: 'signed-in-as' }, t('ini.signed_in_as', { member: me.member })), ' ',
    h('button', { type: 'button', class: 'mini', id: 'sign-out', onclick: async () => {
      try { await send('POST', '/members/logout'); } catch (_) { /* the session is gone either way */ }
      me = null;
      memberBox(onChange);
      if (onChange) onChange();
    } }, t('ini.sign_out')));
}

/** The decision kinds of a proposal (initiatives.md §3.1). */
export const DECISIONS = ['yes_no', 'systemic_consensus', 'ranked'];

/** A support progress bar: a native <progress> with its label (count of required). */
export function progress(id, support) {
  if (!support) return null;
  const label = t('ini.progress', { n: support.count, required: support.required });
  return h('div', { class: 'support-progress' },
    h('label', { for: id, id: `${id}-label` }, label),
    h('progress', { id, max: support.required, value: Math.min(support.count, support.required), 'aria-valuetext': label }));
}

/** The state of a proposal in words. */
export function stateText(v) {
  return v.hidden ? t('ini.state_hidden') : t(`ini.state_${v.state}`);
}

/**
 * A page's action runner: `act(fn)` marks the page state `s` busy, runs
 * `fn` (its result is the success message, a refusal the error text),
 * re-renders, announces the outcome and focuses `#{prefix}-error` or
 * `#{prefix}-message`.
 */
export function actions(s, render, prefix) {
  return async (fn) => {
    s.busy = true; s.error = null; s.message = null;
    render();
    try {
      s.message = await fn();
    } catch (e) {
      s.error = errorText(e);
    }
    s.busy = false;
    render();
    announce(s.error || s.message || '');
    focus(document.getElementById(s.error ? `${prefix}-error` : `${prefix}-message`));
  };
}

/**
 * Starts a member page: the catalogs, the language switcher, the session,
 * then `load()` (a refusal of either goes to `onError` as its text; `load`
 * returning `false` means the page is leaving), the member box (`onSignOut`
 * runs after a sign-out) and the first render.
 */
export async function startPage({ render, load = async () => {}, onError, onSignOut = render }) {
  await initI18n();
  translatePage();
  document.getElementById('lang').replaceWith(switcher(render));
  try {
    await loadSession();
    if (await load() === false) return;
  } catch (e) {
    onError(errorText(e));
  }
  memberBox(onSignOut);
  render();
}
