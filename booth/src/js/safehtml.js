// The one place a page takes HTML: the body of a proposal version as the
// server renders it (initiatives.md §4: raw HTML refused at submission,
// every text escaped, links limited to http(s), mailto and relative
// targets). As a second wall the page does not insert that string: it
// parses it in an inert document and rebuilds the allowed elements and
// attributes with the DOM, dropping everything else (no style attribute,
// so the CSP's style-src is never tested, no event handler, no image).
import { h } from './dom.js';

const TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'a', 'em', 'strong', 'del', 'code', 'pre',
  'blockquote', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
const SAFE_HREF = /^(https?:|mailto:|[^:]*$|[^:]*[/?#])/i;

function rebuild(node, depth, shift) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
  if (node.nodeType !== Node.ELEMENT_NODE || depth > 64) return null;
  const tag = node.tagName.toLowerCase();
  const kids = [...node.childNodes].map((c) => rebuild(c, depth + 1, shift)).filter(Boolean);
  if (!TAGS.has(tag)) return kids.length ? h('span', {}, kids) : null;
  // Headings of a proposal sit below the page's own.
  const shown = /^h[1-6]$/.test(tag) ? `h${Math.min(6, Number(tag[1]) + shift)}` : tag;
  const props = {};
  if (tag === 'a') {
    const href = node.getAttribute('href') || '#';
    props.href = SAFE_HREF.test(href.trim()) ? href : '#';
    props.rel = 'nofollow noopener noreferrer';
    if (node.getAttribute('title')) props.title = node.getAttribute('title');
  }
  if (tag === 'ol' && node.getAttribute('start')) props.start = node.getAttribute('start');
  return h(shown, props, kids);
}

/** The nodes of the server-rendered `html`, rebuilt from the allowlist, headings `shift` levels down. */
export function renderedBody(html, shift = 2) {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  return [...doc.body.childNodes].map((c) => rebuild(c, 0, shift)).filter(Boolean);
}
