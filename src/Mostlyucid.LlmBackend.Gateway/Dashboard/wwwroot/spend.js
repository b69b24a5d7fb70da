import { every, getJson, el, fillRows, barChart, setChart, number, usd, dateTime } from './common.js?v={{v}}';

const group = document.getElementById('group');
const days = document.getElementById('days');
const cards = document.getElementById('cards');
const totals = document.querySelector('#totals tbody');
const budgets = document.querySelector('#budgets tbody');
const chart = barChart(document.getElementById('chart-days'), ['Cost (USD)'], 'USD');
const card = (label, value) => el('div', { class: 'card' }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));

const refresh = every(15, async () => {
  const from = new Date(Date.now() - Number(days.value) * 86400000);
  from.setUTCHours(0, 0, 0, 0);
  const report = await getJson(`spend?group_by=${encodeURIComponent(group.value)}&from=${encodeURIComponent(from.toISOString())}`);
  document.getElementById('group-name').textContent = group.options[group.selectedIndex].text.toLowerCase();
  const sum = (field) => report.totals.reduce((total, row) => total + row[field], 0);
  cards.replaceChildren(
    card('Cost', usd(sum('cost_usd'))),
    card('Requests', number(sum('requests'))),
    card('Prompt tokens', number(sum('prompt_tokens'))),
    card('Completion tokens', number(sum('completion_tokens'))),
    card('Unpriced requests', number(sum('unpriced_requests'))),
    card('Ledger', `${report.ledger.store}${report.ledger.dropped ? `, ${number(report.ledger.dropped)} dropped` : ''}`),
  );
  setChart(chart, report.days.map((d) => d.key), [report.days.map((d) => d.cost_usd)]);
  fillRows(totals, report.totals.map((row) => el('tr', {},
    el('th', { scope: 'row' }, row.key || '(none)'),
    el('td', { class: 'num' }, number(row.requests)),
    el('td', { class: 'num' }, number(row.failed)),
    el('td', { class: 'num' }, number(row.prompt_tokens)),
    el('td', { class: 'num' }, number(row.completion_tokens)),
    el('td', { class: 'num' }, usd(row.cost_usd)),
  )), 6, 'No requests in this period.');
  fillRows(budgets, report.budgets.map((b) => el('tr', {},
    el('th', { scope: 'row' }, b.scope),
    el('td', {}, el('code', {}, b.setting)),
    el('td', { class: 'num' }, usd(b.spent_usd)),
    el('td', { class: 'num' }, usd(b.limit_usd)),
    el('td', {}, b.period),
    el('td', {}, b.resets_at ? dateTime(b.resets_at) : 'never'),
    el('td', {}, el('span', { class: `badge ${b.exhausted ? 'bad' : 'ok'}` }, b.exhausted ? 'spent' : 'within budget')),
  )), 7, 'No budgets are configured.');
});

group.addEventListener('change', refresh);
days.addEventListener('change', refresh);
