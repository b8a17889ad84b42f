// Ranking with ties (ranked.md): tiers of options, best first, built by
// drag and drop or entirely with the keyboard (buttons on every option).
// Options left out are ranked last, tied together.
import { h, put, announce } from './dom.js';
import { t, text } from './i18n.js';

/** Renders the ranking widget of question `q`; `tiers` is mutated in place and `changed` called. */
export function rankingWidget(q, tiers, changed) {
  const label = (id) => text(q.options.find((o) => o.id === id).label);
  const root = h('div', { class: 'ranking' });
  let dragged = null;

  const where = (id) => {
    for (let i = 0; i < tiers.length; i++) { const j = tiers[i].indexOf(id); if (j >= 0) return i; }
    return -1;
  };
  const take = (id) => {
    const i = where(id);
    if (i < 0) return;
    tiers[i].splice(tiers[i].indexOf(id), 1);
    if (tiers[i].length === 0) tiers.splice(i, 1);
  };
  const apply = (id, fn, say) => { fn(); render(); changed(); announce(say(id)); refocus(id); };
  const refocus = (id) => {
    const b = root.querySelector(`[data-option="${CSS.escape(id)}"] button`);
    if (b) b.focus();
  };
  const rankOf = (id) => { const i = where(id); return i < 0 ? null : i + 1; };
  const said = (id) => { const r = rankOf(id); return r ? t('ranked.now_rank', { option: label(id), rank: r }) : t('ranked.now_unranked', { option: label(id) }); };

  const ops = {
    up: (id) => apply(id, () => {
      const i = where(id);
      if (tiers[i].length > 1) { take(id); tiers.splice(i, 0, [id]); }
      else if (i > 0) { [tiers[i - 1], tiers[i]] = [tiers[i], tiers[i - 1]]; }
    }, said),
    down: (id) => apply(id, () => {
      const i = where(id);
      if (tiers[i].length > 1) { take(id); tiers.splice(i + 1, 0, [id]); }
      else if (i < tiers.length - 1) { [tiers[i + 1], tiers[i]] = [tiers[i], tiers[i + 1]]; }
      else take(id);
    }, said),
    tie: (id) => apply(id, () => {
      const i = where(id);
      if (i > 0) { const above = tiers[i - 1]; take(id); above.push(id); }
    }, said),
    add: (id) => apply(id, () => { tiers.push([id]); }, said),
    remove: (id) => apply(id, () => take(id), said),
  };

  const dropZone = (cls, labelKey, onDrop) => h('div', {
    class: cls,
    'aria-hidden': 'true',
    ondragover: (e) => { e.preventDefault(); e.currentTarget.classList.add('over'); },
    ondragleave: (e) => e.currentTarget.classList.remove('over'),
    ondrop: (e) => {
      e.preventDefault();
      e.currentTarget.classList.remove('over');
      const id = dragged || e.dataTransfer.getData('text/plain');
      if (id) { onDrop(id); render(); changed(); announce(said(id)); }
    },
  }, labelKey ? t(labelKey) : '');

  const chip = (id, ranked, i) => {
    const btn = (op, key, disabled) => h('button', {
      type: 'button', class: `mini ${op}`, disabled,
      'aria-label': t(key, { option: label(id) }), title: t(key, { option: label(id) }), onclick: () => ops[op](id),
    }, t(`ranked.icon_${op}`));
    return h('li', {
      class: 'chip', draggable: 'true', 'data-option': id,
      ondragstart: (e) => { dragged = id; e.dataTransfer.setData('text/plain', id); e.dataTransfer.effectAllowed = 'move'; },
      ondragend: () => { dragged = null; },
    },
    h('span', { class: 'chip-label' }, label(id)),
    ranked
      ? [btn('up', 'ranked.up', i === 0 && tiers[0].length === 1), btn('down', 'ranked.down', false),
        btn('tie', 'ranked.tie', i === 0), btn('remove', 'ranked.remove', false)]
      : [btn('add', 'ranked.add', false)]);
  };

  function render() {
    const ranked = new Set(tiers.flat());
    const unranked = q.options.map((o) => o.id).filter((id) => !ranked.has(id));
    const list = h('ol', { class: 'tiers', 'aria-label': t('ranked.your_ranking') });
    tiers.forEach((tier, i) => {
      list.append(h('li', { class: 'gap-item' }, dropZone('gap', null, (id) => {
        const before = tiers[i];
        take(id);
        const k = tiers.indexOf(before);
        tiers.splice(k >= 0 ? k : Math.min(i, tiers.length), 0, [id]);
      })));
      list.append(h('li', { class: 'tier' },
        h('span', { class: 'rank' }, t('ranked.rank', { rank: i + 1 }), tier.length > 1 ? ` (${t('ranked.tied', { count: tier.length })})` : ''),
        h('ul', {
          class: 'tier-options',
          ondragover: (e) => e.preventDefault(),
          ondrop: (e) => {
            e.preventDefault();
            const id = dragged || e.dataTransfer.getData('text/plain');
            if (!id || tier.includes(id)) return;
            take(id);
            const k = tiers.indexOf(tier);
            if (k >= 0) tier.push(id); else tiers.splice(Math.min(i, tiers.length), 0, [id]);
            render(); changed(); announce(said(id));
          },
        }, tier.map((id) => chip(id, true, i)))));
    });
    list.append(h('li', { class: 'gap-item' }, dropZone('gap last', 'ranked.drop_new', (id) => { take(id); tiers.push([id]); })));
    const pool = h('ul', { class: 'pool', 'aria-label': t('ranked.unranked') }, unranked.map((id) => chip(id, false, -1)));
    put(root,
      h('p', { class: 'hint' }, t('ranked.how')),
      tiers.length ? list : h('p', { class: 'empty' }, t('ranked.none_yet')),
      tiers.length ? null : dropZone('gap last', 'ranked.drop_new', (id) => { take(id); tiers.push([id]); }),
      h('p', { class: 'pool-title' }, t('ranked.unranked')),
      h('div', {
        class: 'pool-zone',
        ondragover: (e) => e.preventDefault(),
        ondrop: (e) => { e.preventDefault(); const id = dragged; if (id) { take(id); render(); changed(); announce(said(id)); } },
      }, unranked.length ? pool : h('p', { class: 'empty' }, t('ranked.all_ranked')), unranked.length ? h('p', { class: 'hint' }, t('ranked.unranked_last')) : null),
    );
  }
  render();
  return root;
}
