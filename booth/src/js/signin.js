// The members' sign-in page (initiatives.md §2.2, specs/booth.md §9):
// the mailed link `/initiatives/signin#t=psl_…` carries the token in the
// fragment, which browsers never send; the page removes it from the
// address bar and the history at once and exchanges it for a session
// (`POST /members/session`). Without a link the member asks for a mail
// and types the one-time code. The session is a cookie the page never
// reads.
import { h, put } from './dom.js';
import { t } from './i18n.js';
import { session, setSession, send, memberBox, actions, startPage } from './member.js';

const s = { email: '', sent: false, error: null, message: null, busy: false };

// The page to go back to: only a path of the initiatives pages.
function next() {
  const n = new URLSearchParams(location.search).get('next') || '';
  return /^\/initiatives(\/[A-Za-z0-9_-]*)?(\?[A-Za-z0-9=&_-]*)?$/.test(n) ? n : '/initiatives';
}

const act = actions(s, render, 'signin');

async function exchange(body) {
  const view = await send('POST', '/members/session', body);
  setSession(view);
  memberBox(render);
  return t('ini.signed_in', { member: view.member });
}

function requestForm() {
  const email = h('input', { type: 'email', id: 'email', required: true, autocomplete: 'email', value: s.email, oninput: () => { s.email = email.value; } });
  return h('form', { 'aria-labelledby': 'mail-title', onsubmit: (e) => {
    e.preventDefault();
    act(async () => {
      await send('POST', '/members/login', { email: s.email.trim() });
      s.sent = true;
      return t('ini.mail_sent');
    });
  } }, h('h2', { id: 'mail-title' }, t('ini.mail_title')),
  h('label', { for: 'email' }, t('ini.email')), email,
  h('p', { class: 'hint', id: 'email-hint' }, t('ini.email_hint')),
  h('button', { type: 'submit', class: 'primary', id: 'send-mail', disabled: s.busy }, t('ini.send_mail')));
}

function codeForm() {
  const email = h('input', { type: 'email', id: 'code-email', required: true, autocomplete: 'email', value: s.email, oninput: () => { s.email = email.value; } });
  const code = h('input', { type: 'text', id: 'one-time-code', required: true, autocomplete: 'one-time-code', spellcheck: false, 'aria-describedby': 'code-hint' });
  return h('form', { 'aria-labelledby': 'code-title', onsubmit: (e) => {
    e.preventDefault();
    act(() => exchange({ email: s.email.trim(), code: code.value.trim() }));
  } }, h('h2', { id: 'code-title' }, t('ini.code_title')),
  h('label', { for: 'code-email' }, t('ini.email')), email,
  h('label', { for: 'one-time-code' }, t('ini.code')), code,
  h('p', { class: 'hint', id: 'code-hint' }, t('ini.code_hint')),
  h('button', { type: 'submit', class: 'primary', id: 'use-code', disabled: s.busy }, t('ini.use_code')));
}

function render() {
  const me = session();
  put(document.getElementById('content'),
    h('p', { id: 'signin-message', tabindex: '-1', class: 'ok', role: 'status' }, s.message || ''),
    h('p', { id: 'signin-error', tabindex: '-1', class: 'problem', role: 'alert' }, s.error || ''),
    me ? h('p', {}, h('a', { href: next(), id: 'continue', class: 'button primary' }, t('ini.continue')))
      : [h('p', {}, t('ini.signin_intro')), requestForm(), codeForm()],
    h('p', {}, h('a', { href: '/initiatives' }, t('ini.all_proposals'))));
}

// The link token of the fragment, taken out of the address bar and the
// history before anything else happens.
function takeToken() {
  const m = /^#t=([^&]+)/.exec(location.hash);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return m ? m[1] : null;
}

async function start() {
  const token = takeToken();
  // A session that cannot be loaded is shown as signed out.
  await startPage({ render, onError: () => {} });
  if (token) await act(() => exchange({ token }));
  // A link opened in this tab again only changes the fragment.
  window.addEventListener('hashchange', () => {
    const again = takeToken();
    if (again) act(() => exchange({ token: again }));
  });
}

start();
