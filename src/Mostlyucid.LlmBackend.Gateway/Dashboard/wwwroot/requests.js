import { every, getJson, el, fillRows, number, ms, usd, time, dateTime, statusBadge } from './common.js?v={{v}}';

const form = document.getElementById('filters');
const live = document.getElementById('live');
const body = document.querySelector('#requests tbody');
const dialog = document.getElementById('detail');

function query() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) params.set(name, value);
  return params.toString();
}

const attemptsSummary = (r) => (r.attempts.length
  ? r.attempts.map((a) => `${a.role} ${a.backend} ${a.success ? 'ok' : a.cancelled ? 'cancelled' : (a.error_kind ?? 'failed')} ${ms(a.duration_ms)} ms`).join(' → ')
  : '–');

async function open(requestId) {
  const r = await getJson(`requests/${encodeURIComponent(requestId)}`);
  document.getElementById('detail-title').textContent = `Request ${r.request_id}`;
  const facts = [['When', dateTime(r.timestamp)], ['Status', `${r.status} (${r.outcome})`], ['Endpoint', r.path ?? '–'], ['Key', r.key ?? '–'],
    ['Asked for', r.requested_model ?? '–'], ['Route', r.route ?? '–'], ['Answered by', r.backend ? `${r.backend} · ${r.model ?? '?'}` : '–'],
    ['Tokens', `${number(r.prompt_tokens)} in, ${number(r.completion_tokens)} out`], ['Cost', usd(r.cost_usd)], ['Latency', `${ms(r.duration_ms)} ms`],
    ['Time to first token', r.time_to_first_token_ms === null ? '–' : `${ms(r.time_to_first_token_ms)} ms`], ['Error', r.error_kind ?? 'none']];
  document.getElementById('detail-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

  // Attempts run one after another, except a hedge, which starts beside the attempt before it.
  const total = Math.max(1, r.duration_ms, r.attempts.reduce((sum, a) => sum + (a.role === 'hedge' ? 0 : a.duration_ms), 0));
  let offset = 0;
  let previousStart = 0;
  const rows = r.attempts.map((a) => {
    const start = a.role === 'hedge' ? previousStart : offset;
    if (a.role !== 'hedge') { previousStart = offset; offset += a.duration_ms; }
    const kind = a.success ? 'ok' : a.cancelled ? 'cancelled' : 'bad';
    const bar = el('div', { class: `bar ${kind}` });
    bar.style.left = `${(100 * start) / total}%`;
    bar.style.width = `${Math.max(0.5, (100 * a.duration_ms) / total)}%`;
    return el('div', { class: 'row' },
      el('span', {}, `${a.role}: ${a.backend}`),
      el('div', { class: 'track', role: 'img', 'aria-label': `${a.role} on ${a.backend}, ${a.success ? 'succeeded' : 'failed'}, ${a.duration_ms} ms` }, bar));
  });
  document.getElementById('detail-timeline').replaceChildren(...rows);
  fillRows(document.querySelector('#detail-attempts tbody'), r.attempts.map((a, i) => el('tr', {},
    el('td', {}, String(i + 1)),
    el('td', {}, a.role),
    el('td', {}, `${a.backend} · ${a.model ?? '?'}`),
    el('td', {}, el('span', { class: `badge ${a.success ? 'ok' : a.cancelled ? 'warn' : 'bad'}` }, a.success ? 'answered' : a.cancelled ? 'cancelled' : 'failed')),
    el('td', {}, a.error_kind ? `${a.error_kind}${a.status_code ? ` (${a.status_code})` : ''}: ${a.error ?? ''}` : '–'),
    el('td', { class: 'num' }, ms(a.duration_ms)),
    el('td', { class: 'num' }, ms(a.time_to_first_token_ms)),
  )), 7, 'The request never reached a backend (refused by the gateway).');
  dialog.showModal();
}

const refresh = every(5, async () => {
  if (!live.checked && body.children.length) return;
  const report = await getJson(`requests?${query()}`);
  fillRows(body, report.requests.map((r) => el('tr', { class: 'clickable', 'data-request-id': r.request_id, onclick: () => open(r.request_id) },
    el('td', {}, el('button', { type: 'button', class: 'secondary', 'aria-label': `${time(r.timestamp)}: open request ${r.request_id}`, onclick: (e) => { e.stopPropagation(); open(r.request_id); } }, time(r.timestamp))),
    el('td', {}, statusBadge(r.status, r.outcome)),
    el('td', {}, r.key ?? '–'),
    el('td', {}, r.route ?? r.requested_model ?? '–'),
    el('td', {}, r.backend ?? '–'),
    el('td', { class: 'attempts' }, attemptsSummary(r)),
    el('td', { class: 'num' }, number(r.prompt_tokens + r.completion_tokens)),
    el('td', { class: 'num' }, r.status < 400 || r.cost_usd ? usd(r.cost_usd) : '–'),
    el('td', { class: 'num' }, ms(r.duration_ms)),
  )), 9, 'No requests match (the journal keeps the most recent ones since the gateway started).');
});

form.addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
