// Message catalogs and language choice (specs/booth.md §6): i18next with
// its plural rules (Intl.PluralRules), the language picked from the
// browser's languages or the switcher, remembered in localStorage.
import i18next from 'i18next';
import en from '../locales/en.json';
import fr from '../locales/fr.json';
import de from '../locales/de.json';
import es from '../locales/es.json';
import it from '../locales/it.json';
import el from '../locales/el.json';
import { h } from './dom.js';

/** The languages every string is translated into. */
export const LANGUAGES = { en: 'English', fr: 'Français', de: 'Deutsch', es: 'Español', it: 'Italiano', el: 'Ελληνικά' };
const resources = Object.fromEntries(
  Object.entries({ en, fr, de, es, it, el }).map(([k, v]) => [k, { translation: v }]),
);

function pick() {
  let saved = null;
  try { saved = localStorage.getItem('psephos.lang'); } catch (_) { /* storage off */ }
  if (saved && LANGUAGES[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const base = l.toLowerCase().split('-')[0];
    if (LANGUAGES[base]) return base;
  }
  return 'en';
}

/** Initialises i18next; resolves with the translate function. */
export async function initI18n() {
  await i18next.init({ lng: pick(), fallbackLng: 'en', resources, interpolation: { escapeValue: false } });
  document.documentElement.lang = i18next.language;
  return i18next.t.bind(i18next);
}

/** Translates a key. */
export function t(key, opts) {
  return i18next.t(key, opts);
}

/** The current language. */
export function lang() {
  return i18next.language;
}

/** The language tag of a manifest text that `text` shows (null for an empty map). */
export function textKey(map) {
  if (!map) return null;
  const l = lang();
  if (map[l]) return l;
  const k = Object.keys(map).find((x) => x.toLowerCase().split('-')[0] === l);
  if (k) return k;
  return map.en ? 'en' : Object.keys(map)[0] ?? null;
}

/** A manifest text (language tag → text) in the current language, else English, else any. */
export function text(map) {
  const k = textKey(map);
  return k === null ? '' : map[k] || '';
}

/** Translates every [data-i18n] element under `root` (text) and [data-i18n-label] (aria-label). */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.title = t(document.body.dataset.title || 'app.name');
}

/** The language switcher: a labelled select that re-renders on change. */
export function switcher(onChange) {
  const id = 'lang-select';
  const sel = h('select', { id, onchange: async () => {
    try { localStorage.setItem('psephos.lang', sel.value); } catch (_) { /* storage off */ }
    await i18next.changeLanguage(sel.value);
    document.documentElement.lang = sel.value;
    translatePage();
    onChange();
  } }, Object.entries(LANGUAGES).map(([k, v]) => h('option', { value: k, lang: k, selected: k === lang() }, v)));
  return h('div', { class: 'lang' }, h('label', { for: id, 'data-i18n': 'app.language' }, t('app.language')), sel);
}

/** Formats a number in the current language. */
export function num(x, opts) {
  return new Intl.NumberFormat(lang(), opts).format(x);
}
