// SyncClient behaviour against a scripted fake WebSocket: outbox, acks, resend with the same op_ids,
// since=, snapshot, backoff with jitter, heartbeat. Real sockets are covered by the browser test.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { SyncClient, backoffDelay, watchlistOf, encodeServerMessage } from '../../main/resources/webroot/client/sync-client.js';

class FakeSocket {
  static all = [];
  constructor(url) {
    this.url = new URL(url);
    this.sent = [];
    this.closed = null;
    FakeSocket.all.push(this);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close(code) { this.closed = code; }
  // server side
  push(message) { this.onmessage({ data: typeof message === 'string' ? message : encodeServerMessage(message) }); }
  welcome(ts = 100n) { this.push({ type: 'welcome', device_id: 'me', timestamp: ts, heartbeat_seconds: 30, presence_timeout_seconds: 60, catch_up: true }); }
  drop(code = 1006) { this.onclose({ code, reason: '' }); }
}

const tick = () => new Promise((r) => setImmediate(r));
const last = () => FakeSocket.all.at(-1);

function client(extra = {}) {
  FakeSocket.all = [];
  return new SyncClient({ url: 'http://sync.test:8083', deviceId: 'me', token: 'tok', name: 'My laptop',
    WebSocket: FakeSocket, random: () => 0, backoffMinMs: 1, ...extra });
}

test('connects with token, device_id and since=0, and sends writes only after welcome', async () => {
  const c = client();
  c.connect();
  await tick();
  const ws = last();
  assert.equal(ws.url.protocol, 'ws:');
  assert.equal(ws.url.pathname, '/ws');
  assert.equal(ws.url.searchParams.get('token'), 'tok');
  assert.equal(ws.url.searchParams.get('device_id'), 'me');
  assert.equal(ws.url.searchParams.get('since'), '0');
  assert.equal(ws.url.searchParams.get('name'), 'My laptop');
  const opId = c.addToWatchlist('tmdb:550');
  assert.deepEqual(watchlistOf(c.state), ['tmdb:550'], 'visible at once');
  assert.equal(ws.sent.length, 0);
  ws.welcome();
  assert.equal(c.connectionState, 'connected');
  assert.equal(ws.sent.length, 1);
  assert.equal(ws.sent[0].op_id, opId);
  assert.equal(ws.sent[0].operation, 'add');
  c.close();
  assert.equal(ws.closed, 1000);
  assert.equal(c.connectionState, 'closed');
});

test('unacked writes are resent with the same op_ids after a reconnect; since= is the last received op, not the ack', async () => {
  const c = client();
  c.connect();
  await tick();
  last().welcome();
  const a = c.addToWatchlist('a');
  const b = c.updateProgress('a', 10, 100, 'paused');
  last().push({ type: 'ack', op_id: a, timestamp: 500n, applied: true });
  last().push({ type: 'watchlist_update', operation: 'add', content_id: 'z', timestamp: 300n, device_id: 'tv' });
  assert.deepEqual(c.pendingWrites.map((w) => w.op_id), [b]);
  last().drop();
  assert.equal(c.connectionState, 'disconnected');
  await new Promise((r) => setTimeout(r, 5));
  const ws2 = last();
  assert.equal(FakeSocket.all.length, 2);
  assert.equal(ws2.url.searchParams.get('since'), '300');
  ws2.welcome(600n);
  assert.deepEqual(ws2.sent.map((m) => m.op_id), [b], 'only the unacked write, same op_id');
  ws2.push({ type: 'ack', op_id: b, timestamp: 700n, applied: true });
  assert.equal(c.pendingWrites.length, 0);
  assert.deepEqual(watchlistOf(c.state), ['a', 'z']);
  assert.equal(c.state.progress.get('a').timestamp, 700n, 'acked write carries the server timestamp');
  c.close();
});

test('a snapshot replaces the confirmed state; the outbox stays on top', async () => {
  const c = client();
  c.connect();
  await tick();
  last().welcome();
  last().push({ type: 'watchlist_update', operation: 'add', content_id: 'old', timestamp: 10n, device_id: 'tv' });
  last().drop(); // offline: the write waits
  c.addToWatchlist('mine');
  await new Promise((r) => setTimeout(r, 5));
  last().push('{"type":"snapshot","timestamp":"900","state":{"latest":"900","watchlist":{"live":{"new":["800@tv"]},"tombstones":{},"watermark":null},"progress":{},"preferences":{}}}');
  assert.deepEqual(watchlistOf(c.state), ['mine', 'new']);
  assert.equal(c.replica.cursor, 900n);
  c.close();
});

test('remove names the observed tags; a remove of an unacked own add waits for its ack', async () => {
  const c = client();
  c.connect();
  await tick();
  const ws = last();
  ws.welcome();
  ws.push({ type: 'watchlist_update', operation: 'add', content_id: 'm', timestamp: 10n, device_id: 'tv' });
  const add = c.addToWatchlist('m');
  const rm = c.removeFromWatchlist('m');
  assert.deepEqual(watchlistOf(c.state), [], 'gone locally at once');
  assert.deepEqual(ws.sent.map((m) => m.op_id), [add], 'the remove waits for the add');
  ws.push({ type: 'ack', op_id: add, timestamp: 20n, applied: true });
  assert.deepEqual(ws.sent.map((m) => m.op_id), [add, rm]);
  assert.deepEqual(ws.sent[1].tags, ['10@tv', '20@me']);
  // An add from another device the remove had not seen survives.
  ws.push({ type: 'watchlist_update', operation: 'add', content_id: 'm', timestamp: 25n, device_id: 'phone' });
  ws.push({ type: 'ack', op_id: rm, timestamp: 30n, applied: true });
  assert.deepEqual(watchlistOf(c.state), ['m']);
  c.close();
});

test('a final refusal drops the write and emits write_rejected', async () => {
  const c = client();
  c.connect();
  await tick();
  last().welcome();
  const rejected = [];
  c.addEventListener('write_rejected', (e) => rejected.push(e.detail));
  const op = c.setPreference('k', 1);
  last().push({ type: 'error', code: 'invalid_field', message: 'no', op_id: op });
  assert.equal(rejected.length, 1);
  assert.equal(c.pendingWrites.length, 0);
  assert.equal(c.state.preferences.size, 0);
  c.close();
});

test('events: device presence, commands and handoff results are dispatched', async () => {
  const c = client();
  const seen = [];
  for (const t of ['device_online', 'device_offline', 'device_command', 'handoff_result', 'connection', 'state']) {
    c.addEventListener(t, (e) => seen.push(t === 'connection' ? `connection:${e.detail.state}` : t));
  }
  c.connect();
  await tick();
  last().welcome();
  last().push({ type: 'device_online', device_id: 'tv', at: '2025-01-01T00:00:00Z' });
  last().push({ type: 'device_command', target_device_id: 'me', command: 'play', content_id: 'x', position_seconds: 5, handoff_id: 'h1' });
  assert.equal(c.acknowledgeHandoff('h1', 'accepted'), true);
  assert.deepEqual(last().sent.at(-1), { type: 'handoff_ack', handoff_id: 'h1', status: 'accepted' });
  last().push({ type: 'handoff_result', handoff_id: 'h1', target_device_id: 'tv', status: 'accepted' });
  last().push({ type: 'device_offline', device_id: 'tv', last_seen: '2025-01-01T00:00:01Z', reason: 'disconnected' });
  c.close();
  assert.deepEqual(seen, ['connection:connecting', 'connection:connected', 'device_online', 'device_command',
    'handoff_result', 'device_offline', 'connection:closed']);
});

test('backoff: exponential ceiling with full jitter, capped', () => {
  assert.deepEqual([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 500, 30000, () => 1)), [500, 1000, 2000, 4000, 30000]);
  assert.equal(backoffDelay(3, 500, 30000, () => 0), 0);
  assert.equal(backoffDelay(2, 500, 30000, () => 0.5), 1000);
  assert.equal(backoffDelay(1000, 500, 30000, () => 1), 30000);
});

test('reconnect delays grow while failing and reset at welcome', async () => {
  const c = client({ random: () => 1, backoffMinMs: 2, backoffMaxMs: 8 });
  const delays = [];
  c.addEventListener('connection', (e) => e.detail.delayMs !== undefined && delays.push(e.detail.delayMs));
  c.connect();
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 20));
    last().drop();
  }
  await new Promise((r) => setTimeout(r, 20));
  last().welcome();
  last().drop();
  c.close();
  assert.deepEqual(delays, [2, 4, 8, 8, 2]);
});

test('heartbeat: sends heartbeats and replaces a silent socket', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let now = 0;
    const c = client({ heartbeatMs: 1000, now: () => now });
    c.connect();
    await tick();
    const ws = last();
    ws.welcome();
    now = 1000;
    mock.timers.tick(1000);
    assert.deepEqual(ws.sent.at(-1), { type: 'heartbeat' });
    ws.push({ type: 'heartbeat_ack', timestamp: 200n });
    now = 5000; // silent for more than two intervals
    mock.timers.tick(1000);
    assert.equal(ws.closed, 4000);
    await tick();
    assert.equal(FakeSocket.all.length, 2, 'a new socket replaces the silent one');
    c.close();
  } finally {
    mock.timers.reset();
  }
});
