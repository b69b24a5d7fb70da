import { every, getJson, el, lineChart, setChart, number, ms, percent } from './common.js?v={{v}}';

const windowSelect = document.getElementById('window');
const cards = document.getElementById('cards');
const rate = lineChart(document.getElementById('chart-rate'), ['Requests/s', 'Errors/s'], 'per second');
const latency = lineChart(document.getElementById('chart-latency'), ['Latency p50', 'Latency p95', 'Latency p99', 'TTFT p50', 'TTFT p95'], 'ms');
const rates = lineChart(document.getElementById('chart-rates'), ['Errors', 'Failovers', 'Hedges', 'Continuations', 'Cache hits'], '%');

const card = (label, value) => el('div', { class: 'card' }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
const pct = (value) => (value === null || value === undefined ? null : value * 100);
const label = (iso, step) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit', second: step < 60 ? '2-digit' : undefined });

const refresh = every(5, async () => {
  const report = await getJson(`overview?window=${encodeURIComponent(windowSelect.value)}`);
  const t = report.totals;
  cards.replaceChildren(
    card('Requests', number(t.requests)),
    card('Requests/s', t.requests_per_second.toFixed(2)),
    card('Error rate', percent(t.error_rate)),
    card('Failover rate', percent(t.failover_rate)),
    card('Hedge rate', percent(t.hedge_rate)),
    card('Continuations', percent(t.continuation_rate)),
    card('Cache hit rate', percent(t.cache_hit_rate)),
    card('Latency p50 / p95', `${ms(t.latency_p50_ms)} / ${ms(t.latency_p95_ms)} ms`),
    card('TTFT p50 / p95', `${ms(t.ttft_p50_ms)} / ${ms(t.ttft_p95_ms)} ms`),
    card('Backends healthy', `${report.backends_healthy} of ${report.backends_total}`),
    card('Ledger dropped', report.ledger ? number(report.ledger.dropped) : 'ledger off'),
  );
  const points = report.points;
  const labels = points.map((p) => label(p.start, report.step_seconds));
  setChart(rate, labels, [points.map((p) => p.requests_per_second), points.map((p) => p.errors / report.step_seconds)]);
  setChart(latency, labels, [points.map((p) => p.latency_p50_ms), points.map((p) => p.latency_p95_ms), points.map((p) => p.latency_p99_ms), points.map((p) => p.ttft_p50_ms), points.map((p) => p.ttft_p95_ms)]);
  setChart(rates, labels, [points.map((p) => pct(p.error_rate)), points.map((p) => pct(p.failover_rate)), points.map((p) => pct(p.hedge_rate)), points.map((p) => pct(p.continuation_rate)), points.map((p) => pct(p.cache_hit_rate))]);
});

windowSelect.addEventListener('change', refresh);
