// media-sync browser client: a plain ES module, no dependencies, no build step.
// Served by the service at /client/sync-client.js. The Java SDK (sync-client, SyncClient and
// Replica) is the behavioural model and docs/protocol.md the wire reference.
//
//   import { SyncClient } from '/client/sync-client.js';
//   const client = new SyncClient({ url: location.origin, deviceId: 'laptop-1', token });
//   client.addEventListener('state', (e) => render(e.detail));
//   client.connect();
//   client.addToWatchlist('tmdb:550');   // visible at once, sent (and resent) until acknowledged

// ---- HLC -----------------------------------------------------------------------------------------
// A hybrid logical clock reading: the unsigned 64-bit (millis << 16) | counter, on the wire as a
// decimal string. BigInt here, because JS numbers lose precision past 2^53.

const MAX_U64 = (1n << 64n) - 1n;

export const Hlc = Object.freeze({
  ZERO: 0n,
  MAX_COUNTER: 0xffff,
  parse(text) {
    if (typeof text !== 'string' || !/^[0-9]{1,20}$/.test(text)) {
      throw new SyncError('invalid_field', `timestamp must be 1-20 decimal digits: ${clip(text)}`);
    }
    const v = BigInt(text);
    if (v > MAX_U64) throw new SyncError('invalid_field', 'timestamp exceeds the unsigned 64-bit range');
    return v;
  },
  format: (ts) => ts.toString(),
  of: (millis, counter) => (BigInt(millis) << 16n) | BigInt(counter),
  millis: (ts) => Number(ts >> 16n),
  counter: (ts) => Number(ts & 0xffffn),
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  max: (a, b) => (a >= b ? a : b),
});

/** The device's own HLC: strictly increasing readings, merged with every server timestamp seen. */
export class HybridClock {
  constructor(now = () => Date.now()) {
    this.wall = now;
    this.last = 0n;
  }

  now() {
    const wall = Hlc.of(Math.max(0, this.wall()), 0);
    this.last = wall > this.last ? wall : this.#bump(this.last);
    return this.last;
  }

  observe(remote) {
    const wall = Hlc.of(Math.max(0, this.wall()), 0);
    const lastM = Hlc.millis(this.last), remoteM = Hlc.millis(remote);
    const millis = Math.max(lastM, remoteM, Hlc.millis(wall));
    let counter;
    if (millis === lastM && millis === remoteM) counter = Math.max(Hlc.counter(this.last), Hlc.counter(remote)) + 1;
    else if (millis === lastM) counter = Hlc.counter(this.last) + 1;
    else if (millis === remoteM) counter = Hlc.counter(remote) + 1;
    else counter = 0;
    this.last = counter > Hlc.MAX_COUNTER ? Hlc.of(millis + 1, 0) : Hlc.of(millis, counter);
    return this.last;
  }

  #bump(ts) {
    // 65,536 events in one millisecond: borrow the next millisecond rather than wrap.
    return Hlc.counter(ts) === Hlc.MAX_COUNTER ? Hlc.of(Hlc.millis(ts) + 1, 0) : ts + 1n;
  }
}

// ---- Tags: "<hlc>@<device_id>", the identity of one watchlist add --------------------------------

export function parseTag(text) {
  const at = typeof text === 'string' ? text.indexOf('@') : -1;
  if (at <= 0 || at === text.length - 1) {
    throw new SyncError('invalid_field', 'tag must look like <timestamp>@<device_id>');
  }
  return { timestamp: Hlc.parse(text.slice(0, at)), deviceId: text.slice(at + 1) };
}

export const formatTag = (timestamp, deviceId) => `${timestamp}@${deviceId}`;

export function compareTags(a, b) {
  const x = parseTag(a), y = parseTag(b);
  return Hlc.compare(x.timestamp, y.timestamp) || compareStrings(x.deviceId, y.deviceId);
}

// Java's String.compareTo: UTF-16 code units, which is what < does on JS strings.
const compareStrings = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// ---- CRDTs and UserState.apply ---------------------------------------------------------------
// States are immutable: apply returns a new state sharing the parts it did not change, so the
// client can rebuild "confirmed + outbox" cheaply after every event.

/** LWW rule: higher timestamp wins; equal timestamps: the greater device id wins. */
export function lwwBeats(ts, deviceId, register) {
  if (!register) return true;
  const byTime = Hlc.compare(ts, register.timestamp);
  return byTime > 0 || (byTime === 0 && compareStrings(deviceId, register.device_id) > 0);
}

/** A new map with key set to the write if it wins, else the same map. */
export function lwwPut(map, key, value, timestamp, deviceId) {
  if (!lwwBeats(timestamp, deviceId, map.get(key))) return map;
  return new Map(map).set(key, { value, timestamp, device_id: deviceId });
}

/** Add-wins OR-Set of content ids. live: id -> sorted tags; tombstones: tag -> remove time. */
export const OrSet = Object.freeze({
  EMPTY: Object.freeze({ live: new Map(), tombstones: new Map(), watermark: null }),

  add(set, element, tag) {
    const tags = set.live.get(element) ?? [];
    const ts = parseTag(tag).timestamp;
    const compacted = set.watermark !== null && ts <= set.watermark;
    if (set.tombstones.has(tag) || compacted || tags.includes(tag)) return set;
    const live = new Map(set.live).set(element, [...tags, tag].sort(compareTags));
    return { ...set, live };
  },

  /** Removes the observed tags; unseen ones become tombstones so their add is dead on arrival. */
  remove(set, element, observed, removedAt) {
    let tombstones = null;
    const beforeMark = set.watermark !== null && removedAt <= set.watermark;
    for (const tag of observed) {
      const prior = set.tombstones.get(tag);
      if ((prior === undefined && !beforeMark) || (prior !== undefined && removedAt > prior)) {
        tombstones ??= new Map(set.tombstones);
        tombstones.set(tag, removedAt);
      }
    }
    const current = set.live.get(element) ?? [];
    const remaining = current.filter((t) => !observed.includes(t));
    if (!tombstones && remaining.length === current.length) return set;
    let live = set.live;
    if (remaining.length !== current.length) {
      live = new Map(live);
      if (remaining.length) live.set(element, remaining);
      else live.delete(element);
    }
    return { live, tombstones: tombstones ?? set.tombstones, watermark: set.watermark };
  },

  elements: (set) => [...set.live.keys()].sort(compareStrings),
  tags: (set, element) => set.live.get(element) ?? [],
});

export const EMPTY_STATE = Object.freeze({
  latest: 0n,
  watchlist: OrSet.EMPTY,
  progress: new Map(),
  preferences: new Map(),
});

/** The state after an op (watchlist_update, progress_update or preference_update). */
export function applyOp(state, op) {
  const latest = Hlc.max(state.latest, op.timestamp);
  switch (op.type) {
    case 'watchlist_update': {
      const watchlist = op.operation === 'add'
        ? OrSet.add(state.watchlist, op.content_id, formatTag(op.timestamp, op.device_id))
        : OrSet.remove(state.watchlist, op.content_id, op.tags ?? [], op.timestamp);
      return { ...state, watchlist, latest };
    }
    case 'progress_update': {
      const value = { position_seconds: op.position_seconds, duration_seconds: op.duration_seconds, state: op.state };
      return { ...state, progress: lwwPut(state.progress, op.content_id, value, op.timestamp, op.device_id), latest };
    }
    case 'preference_update':
      return { ...state, preferences: lwwPut(state.preferences, op.key, op.value, op.timestamp, op.device_id), latest };
    default:
      throw new Error(`not an op: ${op.type}`);
  }
}

// ---- Codec ---------------------------------------------------------------------------------------
// Field order follows the Java encoders, so encode(decode(x)) === x for the golden vectors.

export class SyncError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const OP_TYPES = ['watchlist_update', 'progress_update', 'preference_update'];
const ERROR_CODES = ['invalid_json', 'invalid_field', 'unknown_type', 'unauthorized', 'forbidden', 'not_found',
  'method_not_allowed', 'device_offline', 'conflict', 'payload_too_large', 'unsupported_media_type',
  'rate_limited', 'internal', 'unavailable'];
const RETRYABLE = new Set(['device_offline', 'rate_limited', 'internal', 'unavailable']);

function clip(s) {
  s = String(s);
  return s.length <= 64 ? s : `${s.slice(0, 64)}...`;
}

/** Typed reads from one parsed object; failures are SyncError('invalid_field'). */
function fields(o) {
  const bad = (m) => { throw new SyncError('invalid_field', m); };
  const has = (k) => o[k] !== undefined && o[k] !== null;
  const str = (k) => (has(k) ? (typeof o[k] === 'string' ? o[k] : bad(`${k} must be a string`)) : bad(`${k} is required`));
  const id = (k) => (ID.test(str(k)) ? o[k] : bad(`${k} must be 1-128 characters of [A-Za-z0-9._:@-]`));
  const seconds = (k) => {
    const v = o[k];
    if (typeof v !== 'number') bad(`${k} must be a number`);
    if (!(v >= 0 && v <= 31536000)) bad(`${k} must be between 0 and 31536000`);
    return v;
  };
  const oneOf = (k, values) => (values.includes(str(k)) ? o[k] : bad(`${k} must be one of ${values.join(', ')}`));
  return {
    has, str, id, seconds, oneOf,
    optStr: (k) => (has(k) ? str(k) : undefined),
    optId: (k) => (has(k) ? id(k) : undefined),
    optSeconds: (k) => (has(k) ? seconds(k) : undefined),
    ts: (k) => Hlc.parse(str(k)),
    optTs: (k) => (has(k) ? Hlc.parse(str(k)) : undefined),
    int: (k) => (Number.isInteger(o[k]) ? o[k] : bad(`${k} must be an integer`)),
    bool: (k) => (typeof o[k] === 'boolean' ? o[k] : bad(`${k} must be a boolean`)),
    tags: (k) => {
      if (!has(k)) return undefined;
      if (!Array.isArray(o[k])) bad(`${k} must be an array of tags`);
      o[k].forEach(parseTag);
      return [...o[k]];
    },
    raw: (k) => (k in o ? o[k] : bad(`${k} is required (any JSON, null included)`)),
  };
}

function parseObject(text) {
  let o;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new SyncError('invalid_json', `malformed JSON: ${clip(e.message)}`);
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new SyncError('invalid_json', 'not a JSON object');
  return o;
}

function decodeOp(f, type) {
  const timestamp = f.ts('timestamp'), device_id = f.id('device_id');
  if (type === 'watchlist_update') {
    const op = { type, operation: f.oneOf('operation', ['add', 'remove']), content_id: f.id('content_id') };
    if (op.operation === 'remove') op.tags = f.tags('tags') ?? [];
    return { ...op, timestamp, device_id };
  }
  if (type === 'progress_update') {
    return { type, content_id: f.id('content_id'), ...progressFields(f), timestamp, device_id };
  }
  return { type, key: f.id('key'), value: f.raw('value'), timestamp, device_id };
}

function progressFields(f) {
  const p = {
    position_seconds: f.seconds('position_seconds'),
    duration_seconds: f.seconds('duration_seconds'),
    state: f.oneOf('state', ['playing', 'paused', 'stopped', 'completed']),
  };
  if (p.duration_seconds > 0 && p.position_seconds > p.duration_seconds) {
    throw new SyncError('invalid_field', 'position_seconds must not exceed duration_seconds');
  }
  return p;
}

/** Parses any message the server sends; timestamps become BigInt, a snapshot's state a state. */
export function decodeServerMessage(text) {
  const o = parseObject(text);
  const f = fields(o);
  const type = f.str('type');
  const drop = (m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
  switch (type) {
    case 'watchlist_update': case 'progress_update': case 'preference_update':
      return decodeOp(f, type);
    case 'welcome':
      return { type, device_id: f.id('device_id'), timestamp: f.ts('timestamp'), heartbeat_seconds: f.int('heartbeat_seconds'),
        presence_timeout_seconds: f.int('presence_timeout_seconds'), catch_up: f.bool('catch_up') };
    case 'ack':
      return drop({ type, op_id: f.optId('op_id'), timestamp: f.ts('timestamp'), applied: f.bool('applied'),
        duplicate: f.has('duplicate') ? f.bool('duplicate') : undefined });
    case 'heartbeat_ack':
      return { type, timestamp: f.ts('timestamp') };
    case 'device_online':
      return drop({ type, device_id: f.id('device_id'), name: f.optStr('name'), device_type: f.optStr('device_type'), at: f.str('at') });
    case 'device_offline':
      return drop({ type, device_id: f.id('device_id'), last_seen: f.str('last_seen'), reason: f.optStr('reason') });
    case 'device_command':
      return drop({ type, target_device_id: f.id('target_device_id'), command: f.oneOf('command', ['play', 'pause', 'stop', 'seek']),
        content_id: f.optId('content_id'), position_seconds: f.optSeconds('position_seconds'),
        source_device_id: f.optId('source_device_id'), handoff_id: f.optId('handoff_id') });
    case 'handoff_result':
      return drop({ type, handoff_id: f.id('handoff_id'), target_device_id: f.id('target_device_id'),
        status: f.oneOf('status', ['accepted', 'rejected']), reason: f.optStr('reason') });
    case 'snapshot':
      if (!o.state || typeof o.state !== 'object') throw new SyncError('invalid_field', 'state must be an object');
      return { type, timestamp: f.ts('timestamp'), state: decodeState(o.state) };
    case 'notification':
      return drop({ type, notification_id: f.str('notification_id'), kind: f.str('kind'), title: f.str('title'),
        body: f.has('body') ? o.body : undefined, created_at: f.str('created_at') });
    case 'error':
      return drop({ type, code: f.oneOf('code', ERROR_CODES), message: f.str('message'), op_id: f.optId('op_id') });
    default:
      throw new SyncError('unknown_type', `unknown message type: ${clip(type)}`);
  }
}

/** Parses a device's message (what the server's decodeClientFrame accepts). */
export function decodeClientMessage(text) {
  const f = fields(parseObject(text));
  const type = f.str('type');
  const tail = (m) => Object.fromEntries(Object.entries({ ...m, op_id: f.optId('op_id'), timestamp: f.optTs('timestamp') })
    .filter(([, v]) => v !== undefined));
  switch (type) {
    case 'watchlist_update': {
      const operation = f.oneOf('operation', ['add', 'remove']);
      const tags = f.tags('tags');
      if (tags && operation === 'add') throw new SyncError('invalid_field', 'tags are only allowed on remove');
      return tail({ type, operation, content_id: f.id('content_id'), tags });
    }
    case 'progress_update':
      return tail({ type, content_id: f.id('content_id'), ...progressFields(f) });
    case 'preference_update':
      return tail({ type, key: f.id('key'), value: f.raw('value') });
    case 'heartbeat':
      return { type };
    case 'handoff_ack': {
      const m = { type, handoff_id: f.id('handoff_id'), status: f.oneOf('status', ['accepted', 'rejected']) };
      const reason = f.optStr('reason');
      if (reason !== undefined && reason.length > 256) throw new SyncError('invalid_field', 'reason exceeds 256 characters');
      return reason === undefined ? m : { ...m, reason };
    }
    default:
      throw new SyncError('unknown_type', `unknown message type: ${clip(type)}`);
  }
}

// Encoding: [key, value] pairs in the Java encoder's order; undefined values are left out.
const json = (v) => JSON.stringify(typeof v === 'bigint' ? v.toString() : v);
const obj = (pairs) => `{${pairs.filter(([, v]) => v !== undefined).map(([k, v]) => `${json(k)}:${v}`).join(',')}}`;
const s = (v) => (v === undefined ? undefined : json(v));

const opBody = (m) => {
  if (m.type === 'watchlist_update') {
    return [['operation', s(m.operation)], ['content_id', s(m.content_id)], ['tags', m.tags && `[${m.tags.map(json).join(',')}]`]];
  }
  if (m.type === 'progress_update') {
    return [['content_id', s(m.content_id)], ['position_seconds', s(m.position_seconds)],
      ['duration_seconds', s(m.duration_seconds)], ['state', s(m.state)]];
  }
  return [['key', s(m.key)], ['value', json(m.value ?? null)]];
};

/** The wire form of a server message. */
export function encodeServerMessage(m) {
  const t = ['type', s(m.type)];
  switch (m.type) {
    case 'watchlist_update': case 'progress_update': case 'preference_update':
      return obj([t, ...opBody(m), ['timestamp', s(m.timestamp)], ['device_id', s(m.device_id)]]);
    case 'welcome':
      return obj([t, ['device_id', s(m.device_id)], ['timestamp', s(m.timestamp)], ['heartbeat_seconds', s(m.heartbeat_seconds)],
        ['presence_timeout_seconds', s(m.presence_timeout_seconds)], ['catch_up', s(m.catch_up)]]);
    case 'ack':
      return obj([t, ['op_id', s(m.op_id)], ['timestamp', s(m.timestamp)], ['applied', s(m.applied)],
        ['duplicate', m.duplicate ? 'true' : undefined]]);
    case 'heartbeat_ack':
      return obj([t, ['timestamp', s(m.timestamp)]]);
    case 'device_online':
      return obj([t, ['device_id', s(m.device_id)], ['name', s(m.name)], ['device_type', s(m.device_type)], ['at', s(m.at)]]);
    case 'device_offline':
      return obj([t, ['device_id', s(m.device_id)], ['last_seen', s(m.last_seen)], ['reason', s(m.reason)]]);
    case 'device_command':
      return obj([t, ...['target_device_id', 'command', 'content_id', 'position_seconds', 'source_device_id', 'handoff_id']
        .map((k) => [k, s(m[k])])]);
    case 'handoff_result':
      return obj([t, ...['handoff_id', 'target_device_id', 'status', 'reason'].map((k) => [k, s(m[k])])]);
    case 'snapshot':
      return obj([t, ['timestamp', s(m.timestamp)], ['state', encodeState(m.state)]]);
    case 'notification':
      return obj([t, ['notification_id', s(m.notification_id)], ['kind', s(m.kind)], ['title', s(m.title)],
        ['body', s(m.body)], ['created_at', s(m.created_at)]]);
    case 'error':
      return obj([t, ['code', s(m.code)], ['message', s(m.message)], ['op_id', s(m.op_id)]]);
    default:
      throw new Error(`no encoding for ${m.type}`);
  }
}

/** The wire form of a device's message. */
export function encodeClientMessage(m) {
  const t = ['type', s(m.type)];
  if (OP_TYPES.includes(m.type)) return obj([t, ...opBody(m), ['op_id', s(m.op_id)], ['timestamp', s(m.timestamp)]]);
  if (m.type === 'heartbeat') return obj([t]);
  if (m.type === 'handoff_ack') return obj([t, ['handoff_id', s(m.handoff_id)], ['status', s(m.status)], ['reason', s(m.reason)]]);
  throw new Error(`no encoding for ${m.type}`);
}

/** A snapshot's state (see "The state of a snapshot" in docs/protocol.md). */
export function decodeState(o) {
  const f = fields(o);
  const w = o.watchlist ?? {};
  const live = new Map(Object.entries(w.live ?? {}).map(([k, tags]) => [k, [...tags].sort(compareTags)]));
  const tombstones = new Map(Object.entries(w.tombstones ?? {}).map(([tag, at]) => (parseTag(tag), [tag, Hlc.parse(at)])));
  const watermark = w.watermark == null ? null : Hlc.parse(w.watermark);
  const progress = new Map(Object.entries(o.progress ?? {}).map(([k, r]) => {
    const g = fields(r);
    return [k, { value: progressFields(g), timestamp: g.ts('timestamp'), device_id: g.id('device_id') }];
  }));
  const preferences = new Map(Object.entries(o.preferences ?? {}).map(([k, r]) => {
    const g = fields(r);
    return [k, { value: g.raw('value'), timestamp: g.ts('timestamp'), device_id: g.id('device_id') }];
  }));
  return { latest: f.ts('latest'), watchlist: { live, tombstones, watermark }, progress, preferences };
}

/** Sorted, so equal states give equal bytes (and the server's bytes). */
export function encodeState(st) {
  const sorted = (map, cmp = compareStrings) => [...map.entries()].sort(([a], [b]) => cmp(a, b));
  const reg = (r, body) => obj([...body, ['timestamp', s(r.timestamp)], ['device_id', s(r.device_id)]]);
  return obj([
    ['latest', s(st.latest)],
    ['watchlist', obj([
      ['live', obj(sorted(st.watchlist.live).map(([k, tags]) => [k, `[${[...tags].sort(compareTags).map(json).join(',')}]`]))],
      ['tombstones', obj(sorted(st.watchlist.tombstones, compareTags).map(([k, at]) => [k, s(at)]))],
      ['watermark', st.watchlist.watermark === null ? 'null' : s(st.watchlist.watermark)],
    ])],
    ['progress', obj(sorted(st.progress).map(([k, r]) => [k, reg(r, [['position_seconds', s(r.value.position_seconds)],
      ['duration_seconds', s(r.value.duration_seconds)], ['state', s(r.value.state)]])]))],
    ['preferences', obj(sorted(st.preferences).map(([k, r]) => [k, reg(r, [['value', json(r.value ?? null)]])]))],
  ]);
}

// ---- Replica: confirmed state + outbox -------------------------------------------------------
// confirmed holds only ops with server timestamps (other devices' ops, snapshots, and our own
// writes rebuilt from their acks); the outbox holds our unacknowledged writes. What the app sees is
// confirmed with the outbox applied on top. cursor (the next since=) moves only with ops and
// snapshots received, never with acks: an ack at T may arrive before another device's op at T' < T.

export class Replica {
  constructor(deviceId) {
    this.deviceId = deviceId;
    this.confirmed = EMPTY_STATE;
    this.visible = EMPTY_STATE;
    this.outbox = []; // { write, localTs, unresolved: Map<addOpId, provisionalTag> }
    this.cursor = 0n;
  }

  enqueue(write, localTs) {
    let pending = { write, localTs, unresolved: new Map() };
    if (write.type === 'watchlist_update' && write.operation === 'remove') pending = this.#planRemove(write, localTs);
    this.outbox.push(pending);
    this.#recompute();
    return pending;
  }

  // Names every tag visible now; tags of our own adds still in the outbox wait for their acks, so
  // the frame never changes once sent (a resend with the same op_id must carry the same body).
  #planRemove(write, localTs) {
    const own = new Map(this.outbox.filter(isAdd).map((p) => [formatTag(p.localTs, this.deviceId), p.write.op_id]));
    const known = [], unresolved = new Map();
    for (const tag of OrSet.tags(this.visible.watchlist, write.content_id)) {
      if (own.has(tag)) unresolved.set(own.get(tag), tag);
      else known.push(tag);
    }
    return { write: { ...write, tags: known.sort(compareTags) }, localTs, unresolved };
  }

  applyRemote(op) {
    this.confirmed = applyOp(this.confirmed, op);
    this.cursor = Hlc.max(this.cursor, op.timestamp);
    this.#recompute();
  }

  replace(snapshot) {
    this.confirmed = snapshot.state;
    this.cursor = snapshot.timestamp;
    this.#recompute();
  }

  acknowledge(opId, serverTs) {
    const i = this.outbox.findIndex((p) => p.write.op_id === opId);
    if (i < 0) return null;
    const [acked] = this.outbox.splice(i, 1);
    this.confirmed = applyOp(this.confirmed, opAt(acked.write, serverTs, this.deviceId));
    if (isAdd(acked)) {
      const real = formatTag(serverTs, this.deviceId);
      for (const p of this.outbox) {
        if (p.unresolved.delete(opId)) p.write = { ...p.write, tags: [...p.write.tags, real].sort(compareTags) };
      }
    }
    this.#recompute();
    return acked;
  }

  reject(opId) {
    const i = this.outbox.findIndex((p) => p.write.op_id === opId);
    if (i < 0) return null;
    const [rejected] = this.outbox.splice(i, 1);
    for (const p of this.outbox) p.unresolved.delete(opId);
    this.#recompute();
    return rejected;
  }

  pending(opId) {
    return this.outbox.find((p) => p.write.op_id === opId) ?? null;
  }

  #recompute() {
    let st = this.confirmed;
    for (const p of this.outbox) {
      const op = opAt(p.write, p.localTs, this.deviceId);
      if (p.unresolved.size) op.tags = [...op.tags, ...p.unresolved.values()];
      st = applyOp(st, op);
    }
    this.visible = st;
  }
}

const isAdd = (p) => p.write.type === 'watchlist_update' && p.write.operation === 'add';

/** The op the server applies for a write (its SyncService.toOp), at the given timestamp. */
function opAt(write, timestamp, deviceId) {
  const { op_id, timestamp: _clientTs, ...body } = write;
  return { ...body, timestamp, device_id: deviceId };
}

/** Exponential backoff with full jitter: retry n waits random in [0, min(max, min * 2^n)]. */
export function backoffDelay(attempt, minMs, maxMs, random = Math.random) {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(Math.min(Math.max(random(), 0), 1) * ceiling);
}

// ---- SyncClient ----------------------------------------------------------------------------------

const newOpId = () => globalThis.crypto?.randomUUID?.() ?? `op-${Date.now()}-${Math.random().toString(36).slice(2)}`;

/**
 * A device's connection with a local replica. Events (CustomEvent, payload in detail): state,
 * connection ({state, reason?, delayMs?}), welcome, op, ack, snapshot, device_online,
 * device_offline, device_command, handoff_result, notification, error, write_rejected,
 * protocol_error.
 */
export class SyncClient extends EventTarget {
  constructor(options) {
    super();
    const o = { heartbeatMs: 30000, backoffMinMs: 500, backoffMaxMs: 30000, random: Math.random,
      WebSocket: globalThis.WebSocket, now: () => Date.now(), ...options };
    if (!o.url || !o.deviceId || !o.token) throw new Error('url, deviceId and token are required');
    this.options = o;
    this.clock = new HybridClock(o.now);
    this.replica = new Replica(o.deviceId);
    this.connectionState = 'disconnected'; // connecting, connected, disconnected, closed
    this.socket = null;
    this.sentOnCurrent = new Set();
    this.attempt = 0;
    this.started = false;
    this.timers = { reconnect: null, heartbeat: null };
    this.lastFrame = 0;
    this.lastEmitted = this.replica.visible;
  }

  get state() { return this.replica.visible; }
  get deviceId() { return this.options.deviceId; }
  get pendingWrites() { return this.replica.outbox.map((p) => p.write); }

  /** Starts connecting and keeps reconnecting until close(). */
  connect() {
    if (this.started || this.connectionState === 'closed') return;
    this.started = true;
    this.#open();
  }

  /** Closes with 1000 and stops every timer. Pending writes stay unsent. */
  close() {
    if (this.connectionState === 'closed') return;
    this.#clearTimers();
    const ws = this.socket;
    this.socket = null;
    if (ws) ws.close(1000, 'client closed');
    this.#setConnection('closed');
  }

  addToWatchlist(contentId) {
    return this.#write({ type: 'watchlist_update', operation: 'add', content_id: contentId });
  }

  /** Removes exactly the adds visible here now; an unseen concurrent add survives (add wins). */
  removeFromWatchlist(contentId) {
    return this.#write({ type: 'watchlist_update', operation: 'remove', content_id: contentId, tags: [] });
  }

  updateProgress(contentId, positionSeconds, durationSeconds, state) {
    return this.#write({ type: 'progress_update', content_id: contentId, position_seconds: positionSeconds,
      duration_seconds: durationSeconds, state });
  }

  setPreference(key, value) {
    return this.#write({ type: 'preference_update', key, value });
  }

  /** Answers a handoff play; not queued (a late answer is worthless). Returns whether sent. */
  acknowledgeHandoff(handoffId, status, reason) {
    const frame = encodeClientMessage({ type: 'handoff_ack', handoff_id: handoffId, status, reason });
    decodeClientMessage(frame);
    if (this.connectionState !== 'connected') return false;
    this.socket.send(frame);
    return true;
  }

  /** Resolves with the ack of opId (or rejects on refusal / timeout). */
  whenAcked(opId, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      if (!this.replica.pending(opId)) { resolve(null); return; }
      const done = (fn, v) => { clearTimeout(timer); this.removeEventListener('ack', onAck); this.removeEventListener('write_rejected', onNo); fn(v); };
      const onAck = (e) => e.detail.op_id === opId && done(resolve, e.detail);
      const onNo = (e) => e.detail.write.op_id === opId && done(reject, new SyncError(e.detail.error.code, e.detail.error.message));
      const timer = setTimeout(() => done(reject, new Error(`no ack for ${opId} within ${timeoutMs} ms`)), timeoutMs);
      this.addEventListener('ack', onAck);
      this.addEventListener('write_rejected', onNo);
    });
  }

  /** REST call with this device's token and X-Device-Id; resolves with the parsed JSON body. */
  async request(method, path, body) {
    const headers = { Authorization: `Bearer ${await this.#token()}`, 'X-Device-Id': this.deviceId };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(new URL(path, this.options.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw Object.assign(new SyncError(data?.error?.code ?? 'internal', data?.error?.message ?? res.statusText), { status: res.status });
    return data;
  }

  devices() { return this.request('GET', '/api/v1/devices').then((d) => d.devices); }

  handoff(targetDeviceId, contentId) {
    return this.request('POST', '/api/v1/devices/handoff', { target_device_id: targetDeviceId, content_id: contentId });
  }

  // ---- internals ----

  #write(message) {
    const localTs = this.clock.now();
    const write = { ...message, op_id: newOpId(), timestamp: localTs };
    decodeClientMessage(encodeClientMessage(write)); // the server's validation, here: a bad write throws
    this.replica.enqueue(write, localTs);
    this.#emitState();
    this.#flush();
    return write.op_id;
  }

  #flush() {
    if (this.connectionState !== 'connected') return;
    for (const p of this.replica.outbox) {
      if (this.sentOnCurrent.has(p.write.op_id)) continue;
      if (p.unresolved.size) break; // a remove waiting for an earlier add's ack; keep the order
      this.socket.send(encodeClientMessage(p.write));
      this.sentOnCurrent.add(p.write.op_id);
    }
  }

  async #token() {
    const t = this.options.token;
    return typeof t === 'function' ? t() : t;
  }

  async #open() {
    this.timers.reconnect = null;
    this.#setConnection('connecting');
    let token;
    try {
      token = await this.#token();
    } catch (e) {
      this.#lost(`token failed: ${e}`);
      return;
    }
    if (this.connectionState === 'closed') return;
    const url = new URL('/ws', this.options.url);
    url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
    const q = { device_id: this.deviceId, since: this.replica.cursor.toString(), token,
      name: this.options.name, type: this.options.deviceType };
    for (const [k, v] of Object.entries(q)) if (v != null) url.searchParams.set(k, v);
    let ws;
    try {
      ws = new this.options.WebSocket(url.toString());
    } catch (e) {
      this.#lost(`cannot open ${url.origin}: ${e.message}`);
      return;
    }
    this.socket = ws;
    this.sentOnCurrent.clear();
    ws.onmessage = (e) => ws === this.socket && this.#receive(e.data);
    ws.onclose = (e) => ws === this.socket && this.#lost(`closed ${e.code}${e.reason ? ` ${e.reason}` : ''}`);
    ws.onerror = () => {}; // a close event always follows
  }

  #lost(reason) {
    if (this.connectionState === 'closed') return;
    this.socket = null;
    this.#clearTimers();
    const delayMs = backoffDelay(this.attempt++, this.options.backoffMinMs, this.options.backoffMaxMs, this.options.random);
    this.#setConnection('disconnected', { reason, delayMs });
    this.timers.reconnect = setTimeout(() => this.#open(), delayMs);
  }

  #heartbeat() {
    if (this.connectionState !== 'connected') return;
    const silent = this.options.now() - this.lastFrame;
    if (silent > 2 * this.options.heartbeatMs) {
      const ws = this.socket;
      this.#lost(`no frame from the server for ${silent} ms`);
      ws.close(4000, 'silent');
      return;
    }
    this.socket.send(encodeClientMessage({ type: 'heartbeat' }));
    this.timers.heartbeat = setTimeout(() => this.#heartbeat(), this.options.heartbeatMs);
  }

  #receive(text) {
    let m;
    try {
      m = decodeServerMessage(text);
    } catch (e) {
      this.#emit('protocol_error', { text, error: e });
      return;
    }
    this.lastFrame = this.options.now();
    if (typeof m.timestamp === 'bigint') this.clock.observe(m.timestamp);
    switch (m.type) {
      case 'watchlist_update': case 'progress_update': case 'preference_update':
        this.replica.applyRemote(m);
        this.#emit('op', m);
        break;
      case 'ack':
        if (m.op_id) {
          this.sentOnCurrent.delete(m.op_id);
          this.replica.acknowledge(m.op_id, m.timestamp);
        }
        this.#emit('ack', m);
        this.#flush(); // an ack may resolve the tags a waiting remove needs
        break;
      case 'welcome':
        this.attempt = 0;
        this.#setConnection('connected');
        this.#emit('welcome', m);
        this.timers.heartbeat = setTimeout(() => this.#heartbeat(), this.options.heartbeatMs);
        this.#flush();
        break;
      case 'snapshot':
        this.replica.replace(m);
        this.#emit('snapshot', m);
        break;
      case 'error':
        this.#refused(m);
        break;
      default: // heartbeat_ack, device_online/offline, device_command, handoff_result, notification
        this.#emit(m.type, m);
    }
    this.#emitState();
  }

  // A retryable refusal of a pending write is resent after the minimum backoff; any other is
  // final and the write leaves the outbox and the view.
  #refused(error) {
    const pending = error.op_id ? this.replica.pending(error.op_id) : null;
    if (!pending) { this.#emit('error', error); return; }
    this.sentOnCurrent.delete(error.op_id);
    if (RETRYABLE.has(error.code)) {
      this.#emit('error', error);
      setTimeout(() => this.#flush(), this.options.backoffMinMs);
      return;
    }
    this.replica.reject(error.op_id);
    this.#emit('write_rejected', { write: pending.write, error });
  }

  #emitState() {
    if (this.replica.visible !== this.lastEmitted) {
      this.lastEmitted = this.replica.visible;
      this.#emit('state', this.replica.visible);
    }
  }

  #setConnection(state, extra = {}) {
    const changed = this.connectionState !== state;
    this.connectionState = state;
    if (changed || extra.reason) this.#emit('connection', { state, ...extra });
  }

  #clearTimers() {
    clearTimeout(this.timers.reconnect);
    clearTimeout(this.timers.heartbeat);
    this.timers = { reconnect: null, heartbeat: null };
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

// ---- Small read helpers for UIs --------------------------------------------------------------

/** Watchlist content ids, sorted. */
export const watchlistOf = (state) => OrSet.elements(state.watchlist);

/** Progress entries as [{content_id, position_seconds, duration_seconds, state, timestamp, device_id}]. */
export const progressOf = (state) => [...state.progress.entries()].sort(([a], [b]) => compareStrings(a, b))
  .map(([content_id, r]) => ({ content_id, ...r.value, timestamp: r.timestamp, device_id: r.device_id }));
