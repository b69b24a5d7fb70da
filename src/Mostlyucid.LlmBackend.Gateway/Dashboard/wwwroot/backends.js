import { every, getJson, el, fillRows, barChart, setChart, number, ms, usd, dateTime } from './common.js?v={{v}}';

const body = document.querySelector('#backends tbody');
const chart = barChart(document.getElementById('chart-backends'), ['p50', 'p95'], 'ms');

const health = (b) => {
  if (!b.enabled) return el('span', { class: 'badge warn' }, 'disabled');
  return el('span', { class: `badge ${b.healthy ? 'ok' : 'bad'}` }, b.healthy ? 'healthy' : 'unhealthy');
};
const breaker = (state) => el('span', { class: `badge ${state === 'Open' ? 'bad' : state === 'HalfOpen' ? 'warn' : 'ok'}` }, state ?? 'Closed');
const budget = (row) => (row ? `${usd(row.spent_usd)} of ${usd(row.limit_usd)}${row.exhausted ? ' (spent)' : ''}` : 'no budget');

every(5, async () => {
  const backends = await getJson('backends');
  fillRows(body, backends.map((b) => el('tr', {},
    el('th', { scope: 'row' }, b.name),
    el('td', {}, `${b.type ?? '?'} · ${b.model ?? '–'}`),
    el('td', {}, health(b)),
    el('td', {}, breaker(b.circuit), b.consecutive_failures ? ` ${b.consecutive_failures} in a row` : ''),
    el('td', { class: 'num' }, number(b.successes)),
    el('td', { class: 'num' }, number(b.failures)),
    el('td', { class: 'num' }, ms(b.latency_p50_ms)),
    el('td', { class: 'num' }, ms(b.latency_p95_ms)),
    el('td', {}, b.last_error ? el('span', { title: `at ${dateTime(b.last_failure_at)}` }, b.last_error) : el('span', { class: 'muted' }, 'none')),
    el('td', {}, budget(b.budget)),
    el('td', {}, b.routes.length ? b.routes.join(', ') : el('span', { class: 'muted' }, 'none')),
  )), 11, 'No backends are configured.');
  setChart(chart, backends.map((b) => b.name), [backends.map((b) => b.latency_p50_ms), backends.map((b) => b.latency_p95_ms)]);
});
