// The results page (specs/booth.md §3): the published result (record.md
// §6) per question as SVG charts with data tables, turnout, the record
// download and the command that verifies it.
import { getBytes, getJson, roundFromPath } from './api.js';
import { h, put } from './dom.js';
import { initI18n, t, text, switcher, translatePage, num } from './i18n.js';
import { bars, heatmap, table, pct } from './charts.js';
import { kindOf } from './questions.js';
import { verifyPanel } from './verifypanel.js';

const round = roundFromPath();
const r = encodeURIComponent(round);
const s = { manifest: null, result: null, status: null, turnout: null, error: null };

const name = (q, i) => text(q.options[i].label);

function yesNo(q, o) {
  const total = o.tally.yes + o.tally.no;
  const rows = [
    { label: t('yes_no.yes'), value: o.tally.yes, note: `${num(o.tally.yes)} · ${pct(o.yes_percent)}` },
    { label: t('yes_no.no'), value: o.tally.no, note: `${num(o.tally.no)} · ${pct(o.no_percent)}` },
  ];
  if (q.options.length > 2) rows.push({ label: t('yes_no.abstain'), value: o.tally.abstain, note: num(o.tally.abstain) });
  return [h('p', { class: o.outcome === 'accepted' ? 'ok' : 'problem' }, t(`results.outcome_${o.outcome}`), ' ', t(`results.reason_${o.reason}`)),
    bars(t('results.chart_votes', { title: text(q.title) }), rows, Math.max(total, o.tally.abstain, 1)),
    table(t('results.table', { title: text(q.title) }), [t('results.option'), t('results.votes'), t('results.share')],
      rows.map((x, i) => [x.label, num(x.value), i < 2 ? pct(i === 0 ? o.yes_percent : o.no_percent) : '—']))];
}

function choice(q, o) {
  const rows = o.options.map((x) => ({ label: name(q, x.option), value: x.votes, note: `${num(x.votes)} · ${pct(x.share_of_ballots)}` }));
  const elected = o.seats.elected.map((i) => name(q, i)).join(', ');
  return [h('p', { class: 'ok' }, t('results.elected', { names: elected || '—', count: o.seats.seats })),
    bars(t('results.chart_votes', { title: text(q.title) }), rows, Math.max(1, ...rows.map((x) => x.value))),
    table(t('results.table', { title: text(q.title) }), [t('results.option'), t('results.votes'), t('results.share')],
      o.options.map((x) => [name(q, x.option), num(x.votes), pct(x.share_of_ballots)]))];
}

function score(q, o) {
  const rows = o.options.map((x) => ({ label: name(q, x.option), value: x.total, note: `${num(x.total)}${x.mean ? ` · ⌀ ${x.mean.display}` : ''}` }));
  return [h('p', { class: 'ok' }, t('results.winners', { names: o.winners.map((i) => name(q, i)).join(', ') || '—' })),
    bars(t('results.chart_points', { title: text(q.title) }), rows, Math.max(1, ...rows.map((x) => x.value))),
    table(t('results.table', { title: text(q.title) }), [t('results.option'), t('results.points'), t('results.mean')],
      o.options.map((x) => [name(q, x.option), num(x.total), x.mean ? x.mean.display : '—']))];
}

function consensus(q, o) {
  const passive = kindOf(q).p.passive_solution;
  const pi = passive ? q.options.findIndex((x) => x.id === passive) : -1;
  const rows = o.options.map((x) => ({
    label: name(q, x.option) + (x.option === pi ? ` (${t('sc.passive_badge')})` : ''),
    value: x.total_resistance, mark: x.option === pi,
    note: `${num(x.total_resistance)} · ${t('results.acceptance', { percent: pct(x.acceptance) })}`,
  }));
  return [h('p', { class: 'ok' }, t('results.least_resistance', { names: o.winners.map((i) => name(q, i)).join(', ') || '—' })),
    pi >= 0 ? h('p', { class: 'hint' }, t('results.passive_marked', { option: name(q, pi) })) : null,
    bars(t('results.chart_resistance', { title: text(q.title) }), rows, Math.max(1, o.voters * o.max_resistance)),
    table(t('results.table', { title: text(q.title) }), [t('results.option'), t('results.resistance'), t('results.mean'), t('results.acceptance_col')],
      o.options.map((x) => [name(q, x.option) + (x.option === pi ? ` (${t('sc.passive_badge')})` : ''), num(x.total_resistance), x.mean_resistance ? x.mean_resistance.display : '—', pct(x.acceptance)]))];
}

function ranked(q, o) {
  const names = q.options.map((x) => text(x.label));
  const ranking = o.schulze.ranking.map((tier) => h('li', {}, tier.map((k) => names[k]).join(' = ')));
  return [h('p', { class: 'ok' }, t('results.schulze_winners', { names: o.schulze.winners.map((i) => names[i]).join(', ') || '—' })),
    h('h4', {}, t('results.schulze_ranking')), h('ol', { class: 'ranking-result' }, ranking),
    h('h4', {}, t('results.matrix')), h('p', { class: 'hint' }, t('results.matrix_how')),
    heatmap(t('results.chart_matrix', { title: text(q.title) }), names, o.matrix),
    table(t('results.matrix'), [t('results.option'), ...names], o.matrix.map((row, i) => [names[i], ...row.map((v, j) => (i === j ? '—' : num(v)))]))];
}

function questionBlock(q, qr, i) {
  const kind = Object.keys(qr.outcome)[0];
  const o = qr.outcome[kind];
  const body = { yes_no: yesNo, choice, score, systemic_consensus: consensus, ranked }[kind](q, o);
  return h('section', { class: 'card', 'aria-labelledby': `res-${i}` }, h('h3', { id: `res-${i}` }, text(q.title)), body);
}

function render() {
  const c = document.getElementById('content');
  if (s.error) { put(c, h('p', { class: 'problem', role: 'alert' }, s.error)); return; }
  if (!s.manifest) return;
  const head = h('p', { class: 'round' }, text(s.manifest.title));
  if (!s.result) {
    put(c, head, h('p', {}, t('results.not_published', { state: t(`state.${s.status.state}`) })));
    return;
  }
  const res = s.result;
  const share = res.electorate ? `${num((100 * res.weight) / res.electorate, { maximumFractionDigits: 1 })} %` : '—';
  const cmd = `psephos-verify record-${round}.jsonl`;
  put(c, head,
    h('section', { class: 'card', 'aria-labelledby': 'turnout-title' }, h('h2', { id: 'turnout-title' }, t('results.turnout_title')),
      h('p', { id: 'turnout' }, t('results.turnout', { count: res.ballots, weight: num(res.weight), electorate: num(res.electorate), share })),
      s.turnout ? h('p', {}, t('results.audited', { count: s.turnout.audited })) : null,
      bars(t('results.turnout_title'), [{ label: t('results.voted'), value: res.weight, note: share }], Math.max(1, res.electorate))),
    h('h2', {}, t('results.questions')),
    s.manifest.questions.map((q, i) => questionBlock(q, res.questions[i], i)),
    h('section', { class: 'card', 'aria-labelledby': 'verify-title' }, h('h2', { id: 'verify-title' }, t('results.verify_title')),
      h('p', {}, t('results.verify_intro')),
      h('p', {}, h('a', { class: 'button primary', id: 'download-record', href: `/api/v1/rounds/${r}/board/record`, download: `record-${round}.jsonl` }, t('results.download_record'))),
      h('p', {}, t('results.verify_cmd')), h('pre', {}, h('code', { class: 'cmd' }, cmd)),
      h('p', {}, t('results.verify_receipt')), h('pre', {}, h('code', { class: 'cmd' }, `psephos-verify receipt psephos-receipt-${round}-….json --record record-${round}.jsonl`)),
      h('p', { class: 'hint' }, t('results.election_id'), ' ', h('code', {}, s.status.election_id || ''))),
    verifyPanel(`/api/v1/rounds/${r}/board/record`));
}

async function start() {
  await initI18n();
  translatePage();
  document.getElementById('lang').replaceWith(switcher(render));
  try {
    s.status = await getJson(`/rounds/${r}`);
    s.manifest = JSON.parse(new TextDecoder().decode(await getBytes(`/rounds/${r}/manifest`)));
    if (s.status.state === 'published') {
      s.result = JSON.parse(new TextDecoder().decode(await getBytes(`/rounds/${r}/result`)));
      s.turnout = await getJson(`/rounds/${r}/turnout`).catch(() => null);
    }
  } catch (e) {
    s.error = t('err.generic', { code: e.code || 'network' });
  }
  render();
}

start();
