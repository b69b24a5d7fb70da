import { every, getJson, el, fillRows, usd, dateTime } from './common.js?v={{v}}';

const dash = (value) => (value === null || value === undefined || value === '' ? '–' : String(value));

every(30, async () => {
  const c = await getJson('config');
  const r = c.reload;
  const facts = [['Version in use', String(r.version)], ['Last loaded', `${dateTime(r.last_success.at)} (version ${r.last_success.version})`],
    ['Changes', r.last_success.changes || '–'], ['Needs a restart', r.last_success.restart_needed.length ? r.last_success.restart_needed.join(', ') : 'nothing'],
    ['Last refused change', r.last_failure ? `${dateTime(r.last_failure.at)}: ${r.last_failure.problems.join(' · ')}` : 'none'],
    ['Usage ledger', c.usage_store], ['Selection strategy', dash(c.selection_strategy)], ['Allowed origins', c.allowed_origins.length ? c.allowed_origins.join(', ') : 'none']];
  document.getElementById('reload').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { class: k === 'Last refused change' && r.last_failure ? 'bad' : undefined }, v)]));
  fillRows(document.querySelector('#keys tbody'), c.keys.map((k) => el('tr', {},
    el('th', { scope: 'row' }, k.name), el('td', {}, k.role), el('td', {}, k.allowed_models.length ? k.allowed_models.join(', ') : 'all'),
    el('td', { class: 'num' }, dash(k.max_requests_per_minute)), el('td', { class: 'num' }, dash(k.max_tokens_per_minute)),
    el('td', { class: 'num' }, k.max_spend_usd === null ? '–' : usd(k.max_spend_usd)))), 6, 'No keys: the gateway serves this machine only.');
  fillRows(document.querySelector('#cbackends tbody'), c.backends.map((b) => el('tr', {},
    el('th', { scope: 'row' }, b.name), el('td', {}, dash(b.type)), el('td', {}, dash(b.base_url)), el('td', {}, dash(b.model)),
    el('td', {}, b.enabled ? 'yes' : 'no'), el('td', { class: 'num' }, String(b.priority)), el('td', {}, b.api_key_set ? 'set (hidden)' : 'not set'),
    el('td', {}, b.header_names.length ? `${b.header_names.join(', ')} (values hidden)` : '–'),
    el('td', {}, b.cost_per_million_input_tokens === null ? 'catalog' : `${usd(b.cost_per_million_input_tokens)} / ${usd(b.cost_per_million_output_tokens)}`))), 9);
  fillRows(document.querySelector('#routes tbody'), c.routes.map((route) => el('tr', {},
    el('th', { scope: 'row' }, route.name), el('td', {}, route.backends.join(' → ')), el('td', {}, dash(route.selection_strategy ?? c.selection_strategy)),
    el('td', { class: 'num' }, route.max_spend_usd === null ? '–' : usd(route.max_spend_usd)))), 4, 'No routes are configured.');
  document.getElementById('raw').textContent = JSON.stringify(c, null, 2);
});
