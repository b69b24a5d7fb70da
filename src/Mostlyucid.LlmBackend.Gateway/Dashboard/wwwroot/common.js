// Shared by every dashboard page: the admin API (relative URLs, so a proxy's path prefix works), safe DOM building
// (text only, never HTML from data), number formats, refresh timers and Chart.js defaults.

/** The admin API, relative to a page under /dashboard/. */
export const api = (path) => `../admin/api/${path}`;

/** GETs an admin API endpoint; a lost session goes back to the login page. */
export async function getJson(path) {
  const response = await fetch(api(path), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401) {
    location.href = 'login';
    throw new Error('Your session ended; log in again.');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error?.message ?? `The gateway answered ${response.status}.`);
  }
  return response.json();
}

/** Builds an element: attributes, then children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces a table body's rows; an empty list shows one row saying so. */
export function fillRows(tbody, rows, columns, emptyText = 'Nothing yet.') {
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: columns, class: 'muted' }, emptyText))]));
}

export const number = (value) => (value ?? 0).toLocaleString('en-US');
export const ms = (value) => (value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en-US'));
export const usd = (value) => (value === null || value === undefined ? 'unpriced' : `$${Number(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`);
export const percent = (value) => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`);
export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString('en-GB', { hour12: false }) : '–');
export const dateTime = (iso) => (iso ? new Date(iso).toLocaleString('en-GB', { hour12: false }) : '–');

/** Shows what the page is doing (or what went wrong) in its status line. */
export function status(text, isError = false) {
  const line = document.getElementById('status');
  line.textContent = text;
  line.classList.toggle('error', isError);
}

/** Runs a refresh now and every few seconds while the page is visible. */
export function every(seconds, refresh) {
  const run = async () => {
    try {
      await refresh();
      status(`Updated ${new Date().toLocaleTimeString('en-GB', { hour12: false })}; refreshes every ${seconds} s.`);
    } catch (error) {
      status(error.message, true);
    }
  };
  run();
  setInterval(() => { if (!document.hidden) run(); }, seconds * 1000);
  return run;
}

/** A colour-blind-safe palette (Okabe–Ito). */
export const colours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

/** A line chart with the dashboard's defaults (no animation: it refreshes live). */
export function lineChart(canvas, series, yTitle) {
  return new window.Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: series.map((name, i) => ({ label: name, data: [], borderColor: colours[i], backgroundColor: colours[i], pointRadius: 2, borderWidth: 2, spanGaps: true, tension: 0.2 })) },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
      scales: { y: { beginAtZero: true, title: { display: !!yTitle, text: yTitle } }, x: { ticks: { maxTicksLimit: 8 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

/** A bar chart with the dashboard's defaults. */
export function barChart(canvas, series, yTitle) {
  return new window.Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: series.map((name, i) => ({ label: name, data: [], backgroundColor: colours[i], maxBarThickness: 56 })) },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: !!yTitle, text: yTitle } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

/** Replaces a chart's labels and series data. */
export function setChart(chart, labels, data) {
  chart.data.labels = labels;
  data.forEach((values, i) => { chart.data.datasets[i].data = values; });
  chart.update('none');
}

/** A status badge: green for success, amber for 4xx, red for 5xx and failures. */
export function statusBadge(code, outcome) {
  const kind = code >= 500 || outcome === 'failed' ? 'bad' : code >= 400 ? 'warn' : 'ok';
  return el('span', { class: `badge ${kind}` }, String(code), outcome && outcome !== 'succeeded' ? ` ${outcome}` : '');
}
