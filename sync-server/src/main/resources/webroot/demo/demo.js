// The demo page: one browser window = one device of a user. Everything it shows comes from the
// SyncClient's state and events; the "player" is simulated (a position counter).
import { SyncClient, watchlistOf, progressOf } from '/client/sync-client.js';

const CATALOG = {
  'tmdb:550': { title: 'Fight Club', duration: 8340 },
  'tmdb:603': { title: 'The Matrix', duration: 8160 },
  'tmdb:13': { title: 'Forrest Gump', duration: 8520 },
  'tmdb:27205': { title: 'Inception', duration: 8880 },
  'tmdb:1399': { title: 'Game of Thrones: Winter Is Coming', duration: 3720 },
};
const DEFAULT_DURATION = 3600;
const REPORT_EVERY_SECONDS = 5; // a playing player writes its progress this often
const TICK_MS = 1000;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let client = null;
const devices = new Map(); // device_id -> {device_id, name, online}

// ---- helpers ----

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'onclick') node.addEventListener('click', v);
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  node.append(...children);
  return node;
}

const titleOf = (id) => CATALOG[id]?.title ?? id;

function durationOf(id) {
  return CATALOG[id]?.duration ?? client?.state.progress.get(id)?.value.duration_seconds ?? DEFAULT_DURATION;
}

function clock(seconds) {
  const s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  const two = (n) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

function log(text) {
  const list = $('log');
  list.prepend(el('li', {}, el('time', { text: new Date().toLocaleTimeString() }), ` ${text}`));
  while (list.children.length > 30) list.lastChild.remove();
}

const deviceLabel = (id) => devices.get(id)?.name || id;

// ---- simulated player ----

const player = {
  contentId: null,
  position: 0,
  state: 'stopped',
  timer: null,
  sinceReport: 0,

  load(contentId, position) {
    if (this.state === 'playing' && contentId !== this.contentId) this.pause();
    this.contentId = contentId;
    const register = client.state.progress.get(contentId);
    this.position = position ?? register?.value.position_seconds ?? 0;
    if (this.state !== 'playing') this.state = register?.value.state === 'completed' ? 'completed' : 'stopped';
    if (![...$('player-content').options].some((o) => o.value === contentId)) renderContentOptions();
    $('player-content').value = contentId;
    renderPlayer();
  },

  play() {
    if (!this.contentId) return;
    if (this.position >= durationOf(this.contentId)) this.position = 0;
    this.state = 'playing';
    clearInterval(this.timer);
    this.sinceReport = 0;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.report();
  },

  /** write=false: a handoff pause; the target now owns the position, so say nothing. */
  pause(write = true) {
    clearInterval(this.timer);
    this.timer = null;
    if (this.state === 'playing') this.state = 'paused';
    if (write && this.contentId) this.report();
    renderPlayer();
  },

  seek(seconds) {
    if (!this.contentId) return;
    this.position = Math.max(0, Math.min(durationOf(this.contentId), Math.round(seconds)));
    if (this.state === 'stopped' || this.state === 'completed') this.state = 'paused';
    this.report();
  },

  tick() {
    const duration = durationOf(this.contentId);
    this.position = Math.min(duration, this.position + TICK_MS / 1000);
    if (this.position >= duration) {
      clearInterval(this.timer);
      this.state = 'completed';
      this.report();
      return;
    }
    if (++this.sinceReport >= REPORT_EVERY_SECONDS) this.report();
    renderPlayer();
  },

  /** Writes the current position; returns the op_id. */
  report() {
    this.sinceReport = 0;
    renderPlayer();
    return client.updateProgress(this.contentId, Math.floor(this.position), durationOf(this.contentId), this.state === 'stopped' ? 'paused' : this.state);
  },
};

// ---- rendering ----

function renderPlayer() {
  const id = player.contentId;
  const duration = id ? durationOf(id) : 0;
  $('player-state').textContent = player.state;
  $('player-state').dataset.state = player.state;
  $('player-position').textContent = clock(player.position);
  $('player-position').dataset.position = String(Math.floor(player.position));
  $('player-duration').textContent = clock(duration);
  $('player-bar').max = duration || 1;
  $('player-bar').value = player.position;
  for (const b of ['player-play', 'player-pause', 'player-seek', 'player-back', 'player-forward']) $(b).disabled = !id;
  $('player-play').disabled = !id || player.state === 'playing';
  $('player-pause').disabled = player.state !== 'playing';
  renderDevices();
}

function renderContentOptions() {
  const select = $('player-content');
  const current = select.value || player.contentId;
  const ids = new Set([...Object.keys(CATALOG), ...(client ? watchlistOf(client.state) : []),
    ...(client ? client.state.progress.keys() : [])]);
  select.replaceChildren(el('option', { value: '', text: '— choose —', disabled: true, selected: !current }),
    ...[...ids].map((id) => el('option', { value: id, text: `${titleOf(id)} (${id})`, selected: id === current })));
}

function render(state) {
  const items = watchlistOf(state);
  $('watchlist').replaceChildren(...items.map((id) => el('li', { 'data-testid': `watchlist-item-${id}`, 'data-content-id': id },
    el('span', { class: 'grow' }, el('strong', { text: titleOf(id) }), el('small', { class: 'muted sub', text: id })),
    el('button', { 'data-testid': `watchlist-play-${id}`, onclick: () => { player.load(id); player.play(); }, text: '▶ Play here' }),
    el('button', { class: 'danger', 'data-testid': `watchlist-remove-${id}`, 'aria-label': `remove ${id}`,
      onclick: () => client.removeFromWatchlist(id), text: 'Remove' }))));
  $('watchlist-empty').hidden = items.length > 0;

  const inProgress = progressOf(state).filter((p) => p.position_seconds > 0 && p.state !== 'completed');
  $('progress').replaceChildren(...inProgress.map((p) => el('li', { 'data-testid': `progress-${p.content_id}`,
    'data-position': p.position_seconds, 'data-state': p.state, 'data-device': p.device_id },
    el('div', { class: 'grow' },
      el('strong', { text: titleOf(p.content_id) }),
      el('small', { class: 'muted sub', 'data-testid': `progress-text-${p.content_id}`,
        text: `${clock(p.position_seconds)} / ${clock(p.duration_seconds)} · ${p.state} · ${deviceLabel(p.device_id)}` }),
      el('progress', { max: p.duration_seconds || 1, value: p.position_seconds, 'aria-label': `progress of ${p.content_id}` })),
    el('button', { 'data-testid': `progress-resume-${p.content_id}`, onclick: () => { player.load(p.content_id); player.play(); },
      text: 'Resume here' }))));
  $('progress-empty').hidden = inProgress.length > 0;

  // Follow the register while this device is not the one playing it.
  if (player.contentId && player.state !== 'playing') {
    const r = state.progress.get(player.contentId);
    if (r && r.device_id !== client.deviceId) {
      player.position = r.value.position_seconds;
      player.state = r.value.state === 'playing' ? 'paused' : r.value.state;
    }
  }
  renderContentOptions();
  renderPlayer();
}

function renderDevices() {
  if (!client) return;
  const list = [...devices.values()].sort((a, b) => (a.device_id === client.deviceId ? -1 : b.device_id === client.deviceId ? 1
    : a.device_id.localeCompare(b.device_id)));
  $('devices').replaceChildren(...list.map((d) => {
    const self = d.device_id === client.deviceId;
    return el('li', { 'data-testid': `device-${d.device_id}`, 'data-online': String(!!d.online) },
      el('span', { class: `dot ${d.online ? 'on' : 'off'}`, 'aria-hidden': 'true' }),
      el('span', { class: 'grow' }, el('strong', { text: d.name || d.device_id }),
        el('small', { class: 'muted sub', text: `${d.device_id} · ${self ? 'this device' : d.online ? 'online' : 'offline'}` })),
      !self && d.online ? el('button', { 'data-testid': `handoff-${d.device_id}`, disabled: !player.contentId,
        title: player.contentId ? '' : 'choose something in the player first',
        onclick: () => handoffTo(d.device_id), text: `Continue on ${d.name || d.device_id}` }) : '');
  }));
}

// ---- handoff ----

async function handoffTo(target) {
  const content = player.contentId;
  $('handoff-status').textContent = `Handing ${titleOf(content)} to ${deviceLabel(target)}…`;
  try {
    // The server starts the target at the progress register: make ours current first.
    await client.whenAcked(player.report());
    const started = await client.handoff(target, content);
    log(`handoff ${started.handoff_id.slice(0, 8)} → ${deviceLabel(target)} at ${clock(started.position_seconds)}`);
  } catch (e) {
    $('handoff-status').textContent = `Handoff failed: ${e.message}`;
    log(`handoff failed: ${e.code ?? ''} ${e.message}`);
  }
}

function onCommand(cmd) {
  const at = cmd.position_seconds !== undefined ? ` at ${clock(cmd.position_seconds)}` : '';
  if (cmd.command === 'play') log(`play ${titleOf(cmd.content_id)}${at}${cmd.source_device_id ? `, handed off from ${deviceLabel(cmd.source_device_id)}` : ''}`);
  else log(`command ${cmd.command}${cmd.handoff_id ? ' (handoff: the other device takes over)' : ''}`);
  if (cmd.command === 'play') {
    player.load(cmd.content_id ?? player.contentId, cmd.position_seconds);
    player.play();
    if (cmd.handoff_id) client.acknowledgeHandoff(cmd.handoff_id, 'accepted');
    $('handoff-status').textContent = `Continued from ${deviceLabel(cmd.source_device_id ?? 'another device')}`;
  } else if (cmd.command === 'pause' || cmd.command === 'stop') {
    // A handoff pause: the target now owns the position, so pause without writing.
    player.pause(!cmd.handoff_id);
  } else if (cmd.command === 'seek' && cmd.position_seconds !== undefined) {
    player.seek(cmd.position_seconds);
  }
}

// ---- connection ----

async function tokenFor(user, device) {
  const manual = $('token').value.trim();
  if (manual) return manual;
  const res = await fetch('/dev/token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: user, device_id: device }) });
  if (res.status === 404) {
    $('token-row').hidden = false;
    throw new Error('This service has a configured secret (no dev tokens): paste a token for this user and device.');
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? res.statusText);
  return body.token;
}

async function refreshDevices() {
  try {
    for (const d of await client.devices()) devices.set(d.device_id, d);
    renderDevices();
  } catch (e) {
    log(`device list failed: ${e.message}`);
  }
}

async function connect(user, device, name) {
  $('login-error').textContent = '';
  let token;
  try {
    token = await tokenFor(user, device);
  } catch (e) {
    $('login-error').textContent = e.message;
    return;
  }
  client = new SyncClient({ url: location.origin, deviceId: device, token, name: name || device, deviceType: 'browser' });
  window.syncClient = client; // for poking around in the console
  devices.set(device, { device_id: device, name: name || device, online: true });

  client.addEventListener('state', (e) => render(e.detail));
  client.addEventListener('connection', (e) => {
    const { state, reason, delayMs } = e.detail;
    $('connection-status').textContent = state === 'disconnected' && delayMs !== undefined ? `reconnecting in ${(delayMs / 1000).toFixed(1)} s` : state;
    $('connection-status').dataset.state = state;
    if (reason) log(`connection ${state}: ${reason}`);
  });
  client.addEventListener('welcome', () => { log('connected'); refreshDevices(); });
  client.addEventListener('op', (e) => {
    const op = e.detail;
    if (op.type === 'watchlist_update') log(`${deviceLabel(op.device_id)} ${op.operation === 'add' ? 'added' : 'removed'} ${titleOf(op.content_id)}`);
    if (op.type === 'progress_update') log(`${deviceLabel(op.device_id)}: ${titleOf(op.content_id)} ${op.state} at ${clock(op.position_seconds)}`);
  });
  client.addEventListener('device_online', (e) => {
    const d = e.detail;
    devices.set(d.device_id, { ...devices.get(d.device_id), device_id: d.device_id, name: d.name ?? devices.get(d.device_id)?.name, online: true });
    log(`${deviceLabel(d.device_id)} is online`);
    renderDevices();
  });
  client.addEventListener('device_offline', (e) => {
    const d = e.detail;
    devices.set(d.device_id, { ...devices.get(d.device_id), device_id: d.device_id, online: false });
    log(`${deviceLabel(d.device_id)} went offline (${d.reason ?? 'disconnected'})`);
    renderDevices();
  });
  client.addEventListener('device_command', (e) => onCommand(e.detail));
  client.addEventListener('handoff_result', (e) => {
    const r = e.detail;
    const text = `${deviceLabel(r.target_device_id)} ${r.status} the handoff${r.reason ? `: ${r.reason}` : ''}`;
    $('handoff-status').textContent = text;
    log(text);
  });
  client.addEventListener('write_rejected', (e) => log(`write refused: ${e.detail.error.message}`));
  client.addEventListener('error', (e) => log(`error: ${e.detail.message}`));

  $('who').textContent = `${name || device} · user ${user}`;
  $('login').hidden = true;
  $('app').hidden = false;
  document.title = `${name || device} · media-sync demo`;
  renderContentOptions();
  render(client.state);
  client.connect();
}

// ---- wiring ----

const suffix = Math.random().toString(36).slice(2, 6);
$('user-id').value = params.get('user') ?? 'dev-user';
$('device-id').value = params.get('device') ?? `browser-${suffix}`;
$('device-name').value = params.get('name') ?? `Browser ${suffix}`;
$('catalog').replaceChildren(...Object.entries(CATALOG).map(([id, c]) => el('option', { value: id, text: c.title })));

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  connect($('user-id').value.trim(), $('device-id').value.trim(), $('device-name').value.trim());
});
$('watchlist-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const id = $('watchlist-input').value.trim();
  try {
    client.addToWatchlist(id);
    $('watchlist-input').value = '';
  } catch (err) {
    log(`cannot add ${id}: ${err.message}`);
  }
});
$('player-content').addEventListener('change', (e) => player.load(e.target.value));
$('player-play').addEventListener('click', () => player.play());
$('player-pause').addEventListener('click', () => player.pause());
$('player-back').addEventListener('click', () => player.seek(player.position - 10));
$('player-forward').addEventListener('click', () => player.seek(player.position + 30));
$('player-seek').addEventListener('click', () => player.seek(Number($('player-seek-input').value) || 0));
window.addEventListener('pagehide', () => client?.close());

if (params.get('autoconnect') === '1') $('login-form').requestSubmit();
