#!/usr/bin/env node
// Load client for y-websocket doing the work of `sync-bench.jar latency`: U users x D devices,
// one Yjs doc (one room) per user holding a Y.Map with progress, watchlist and preference
// entries; an open-loop writer at a fixed total rate across random users, alternating devices;
// sync latency = scheduled send -> each other device of the user observes the change, measured
// in this one process on one monotonic clock. Writes result.json in the shape the Java tool
// writes (headline.sync_latency_us, headline.bytes_per_op, ...).
//
//   node bench/peer/load.js --url ws://127.0.0.1:1234 [--users 1000 --devices 3 --rate 2000
//        --duration 30 --warmup 10 --mix progress=70,watchlist=20,preference=10
//        --connect-warmup 0 --out bench-out/peer]
// --connect-warmup N connects and closes N devices of extra users first, in the same batches,
// and forgets their figures, as sync-bench.jar's option of that name does.
'use strict'
const fs = require('fs')
const path = require('path')
const { performance } = require('perf_hooks')
const WebSocket = require('ws')
const Y = require('yjs')
const syncProtocol = require('y-protocols/sync')
const encoding = require('lib0/encoding')
const decoding = require('lib0/decoding')
const hdr = require('hdr-histogram-js')

const args = process.argv.slice(2)
const opt = {
  url: 'ws://127.0.0.1:1234', users: 1000, devices: 3, rate: 2000, duration: 30, warmup: 10,
  mix: 'progress=70,watchlist=20,preference=10', out: 'bench-out/peer', drain: 5, batch: 500,
  'connect-warmup': 0, quiet: false
}
for (let i = 0; i < args.length; i++) {
  const a = args[i]
  if (a === '--quiet') { opt.quiet = true; continue }
  const k = a.replace(/^--/, '')
  if (!(k in opt)) { console.error('unknown option ' + a); process.exit(2) }
  const v = args[++i]
  opt[k] = typeof opt[k] === 'number' ? Number(v) : v
}
const mix = { progress: 0, watchlist: 0, preference: 0 }
for (const part of opt.mix.split(',')) { const [k, v] = part.split('='); mix[k] = Number(v) }

const MSG_SYNC = 0
const newHist = () => hdr.build({ useWebAssembly: false, numberOfSignificantValueDigits: 3 })
const runId = (Date.now() % 1e8).toString(36)
const errors = { connect_failures: 0, unexpected_disconnects: 0, socket_errors: 0, unmatched_messages: 0, misrouted_deliveries: 0 }
const errorSamples = []
const sample = (s) => { if (errorSamples.length < 20) errorSamples.push(String(s).slice(0, 300)) }
const connectHist = newHist()
let closing = false
let connected = 0
let receivedMessages = 0
let receivedBytes = 0

function newMetrics (name, rate) {
  return {
    name, rate, sync: newHist(), syncFromSend: newHist(), interval: newHist(), writes: 0,
    expected: 0, deliveries: 0, outstanding: 0, bytes: {}, start: 0, end: 0, drained: 0
  }
}

const pending = new Map()
let keySeq = 0

class Device {
  constructor (user, k) {
    this.user = user
    this.id = 'd' + k
    this.doc = new Y.Doc()
    this.map = this.doc.getMap('state')
    this.ws = null
    this.retired = false // a warm-up device being closed on purpose
    this.lastBytes = 0
    this.doc.on('update', (update, origin) => {
      if (origin === this) return // applied from the server: do not echo
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MSG_SYNC)
      syncProtocol.writeUpdate(enc, update)
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(encoding.toUint8Array(enc))
    })
    this.map.observe((event, tr) => {
      if (tr.local) return
      const now = performance.now()
      event.changes.keys.forEach((change, key) => this.observed(key, change.action, now))
    })
  }

  connect () {
    return new Promise((resolve) => {
      const t0 = performance.now()
      let welcomed = false
      const ws = new WebSocket(opt.url + '/bench-' + runId + '-u' + this.user.index, { perMessageDeflate: false })
      ws.binaryType = 'nodebuffer'
      ws.on('open', () => {
        this.ws = ws
        ws._socket.setNoDelay(true)
        const enc = encoding.createEncoder()
        encoding.writeVarUint(enc, MSG_SYNC)
        syncProtocol.writeSyncStep1(enc, this.doc)
        ws.send(encoding.toUint8Array(enc))
      })
      ws.on('message', (data) => {
        if (!welcomed) { // the server's sync step 1: the equivalent of our `welcome`
          welcomed = true
          connectHist.recordValue(Math.max(0, Math.round((performance.now() - t0) * 1000)))
          connected++
          resolve(true)
        }
        receivedMessages++
        receivedBytes += data.length
        this.lastBytes = data.length
        const dec = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.length))
        const type = decoding.readVarUint(dec)
        if (type === MSG_SYNC) {
          const enc = encoding.createEncoder()
          encoding.writeVarUint(enc, MSG_SYNC)
          syncProtocol.readSyncMessage(dec, enc, this.doc, this)
          if (encoding.length(enc) > 1) ws.send(encoding.toUint8Array(enc))
        }
      })
      ws.on('close', () => {
        this.ws = null
        if (!closing && !this.retired) { errors.unexpected_disconnects++; sample('disconnect ' + this.user.index + '/' + this.id) }
        if (!welcomed) { errors.connect_failures++; resolve(false) }
      })
      ws.on('error', (e) => { if (!closing && !this.retired) { errors.socket_errors++; sample('socket: ' + e) } })
    })
  }

  observed (key, action, now) {
    let k
    let type
    if (key.startsWith('p:')) { type = 'progress_update'; k = this.map.get(key).pos }
    else if (key.startsWith('f:')) { type = 'preference_update'; k = this.map.get(key) }
    else if (key.startsWith('w:w')) {
      const n = Number(key.slice(3))
      if (action === 'delete') { type = 'watchlist_update(remove)'; k = -n } else { type = 'watchlist_update'; k = n }
    } else { errors.unmatched_messages++; sample('unknown key ' + key); return }
    const p = pending.get(k)
    if (!p) { errors.unmatched_messages++; sample('unmatched ' + key + ' ' + action); return }
    if (p.user !== this.user || p.writer === this) { errors.misrouted_deliveries++; return }
    const m = p.metrics
    const us = Math.max(0, Math.round((now - p.scheduled) * 1000))
    m.sync.recordValue(us)
    m.interval.recordValue(us)
    m.syncFromSend.recordValue(Math.max(0, Math.round((now - p.sent) * 1000)))
    m.deliveries++
    const b = m.bytes[type] || (m.bytes[type] = { min: Infinity, max: 0, sum: 0, count: 0 })
    b.min = Math.min(b.min, this.lastBytes); b.max = Math.max(b.max, this.lastBytes)
    b.sum += this.lastBytes; b.count++
    m.outstanding--
    if (--p.remaining === 0) pending.delete(k)
  }
}

const users = []
for (let u = 0; u < opt.users; u++) users.push(newUser(u))

function newUser (index) {
  const user = { index, devices: [], nextWriter: 0, openAdd: -1 }
  for (let k = 0; k < opt.devices; k++) user.devices.push(new Device(user, k))
  return user
}

async function connectBatches (devices) {
  for (let i = 0; i < devices.length; i += opt.batch) {
    await Promise.all(devices.slice(i, i + opt.batch).map(d => d.connect()))
  }
}

// Connects and closes devices of extra users (rooms of their own) and forgets their figures: a
// fresh client and server run their first connects before their JIT compilers have caught up.
async function warmUpConnects () {
  const n = opt['connect-warmup']
  if (n <= 0) return
  if (!opt.quiet) console.log(`warming up: ${n} connects of extra users, not counted`)
  const warm = []
  for (let u = 0; warm.length < n; u++) warm.push(...newUser('warm' + u).devices)
  warm.length = n
  const failedBefore = errors.connect_failures
  await connectBatches(warm)
  for (const d of warm) d.retired = true
  await Promise.all(warm.filter(d => d.ws).map(d => new Promise((resolve) => {
    d.ws.once('close', resolve)
    d.ws.close()
  })))
  connectHist.reset()
  connected -= n - (errors.connect_failures - failedBefore) // failed warm-up connects stay errors
}

function write (m, scheduled) {
  const u = users[Math.floor(Math.random() * users.length)]
  let writer = u.devices[u.nextWriter++ % u.devices.length]
  const roll = Math.floor(Math.random() * 100)
  let key = ++keySeq
  let mapKey
  let op
  if (roll < mix.progress) {
    mapKey = 'p:tmdb:' + (key % 5)
    op = () => writer.map.set(mapKey, { pos: key, dur: 31536000, state: 'playing', dev: writer.id })
  } else if (roll < mix.progress + mix.watchlist) {
    // Remove only from a device that has seen the add (the Java tool waits for the add's ack);
    // a Yjs delete of a key the doc does not have is a no-op that sends nothing.
    const holder = u.openAdd > 0 ? u.devices.find(d => d !== writer && d.map.has('w:w' + u.openAdd)) || (writer.map.has('w:w' + u.openAdd) ? writer : null) : null
    if (holder) {
      const open = u.openAdd
      u.openAdd = -1
      writer = holder
      key = -open
      mapKey = 'w:w' + open
      op = () => writer.map.delete(mapKey)
    } else {
      u.openAdd = key
      mapKey = 'w:w' + key
      op = () => writer.map.set(mapKey, { added_by: writer.id })
    }
  } else {
    mapKey = 'f:k' + (key % 4)
    op = () => writer.map.set(mapKey, key)
  }
  const others = u.devices.filter(d => d !== writer && d.ws).length
  const p = { user: u, writer, scheduled, sent: 0, metrics: m, remaining: others, mapKey }
  pending.set(key, p)
  m.writes++
  m.expected += others
  m.outstanding += others
  p.sent = performance.now()
  op()
}

// A write the readers never observed because a concurrent write to the same Y.Map key won
// (Yjs emits no event for the losing value). Not an error of the transport: counted apart.
function superseded (m) {
  let n = 0
  for (const [k, p] of pending) {
    if (p.metrics !== m || k < 0 || p.mapKey.startsWith('w:')) continue
    const v = p.user.devices.find(d => d !== p.writer).map.get(p.mapKey)
    const seq = typeof v === 'object' && v !== null ? v.pos : v
    if (seq !== undefined && seq !== k) n += p.remaining
  }
  return n
}

function runPhase (m, rate, seconds) {
  return new Promise((resolve) => {
    const interval = 1000 / rate
    const start = performance.now()
    const durationMs = seconds * 1000
    m.start = start
    current = m
    let i = 0
    const tick = () => {
      const now = performance.now()
      while (true) {
        const scheduled = start + i * interval
        if (scheduled - start >= durationMs) { m.end = start + durationMs; resolve(); return }
        if (scheduled > now) break
        write(m, scheduled)
        i++
      }
      setTimeout(tick, Math.max(0, start + i * interval - performance.now()))
    }
    tick()
  })
}

function drain (m) {
  return new Promise((resolve) => {
    const deadline = performance.now() + opt.drain * 1000
    const check = () => {
      if (m.outstanding <= 0 || performance.now() > deadline) { m.drained = performance.now(); resolve(); return }
      setTimeout(check, 5)
    }
    check()
  })
}

const pct = (h) => ({
  count: h.totalCount, mean: Math.round(h.mean * 100) / 100, p50: h.getValueAtPercentile(50),
  p90: h.getValueAtPercentile(90), p99: h.getValueAtPercentile(99), p99_9: h.getValueAtPercentile(99.9),
  p99_99: h.getValueAtPercentile(99.99), max: h.maxValue
})

function phaseResult (m) {
  const seconds = (m.end - m.start) / 1000
  const bytes = {}
  for (const t of Object.keys(m.bytes).sort()) {
    const b = m.bytes[t]
    bytes[t] = { min: b.min, avg: Math.round(b.sum / b.count * 100) / 100, max: b.max, count: b.count }
  }
  return {
    name: m.name, target_rate: m.rate, seconds, writes: m.writes,
    achieved_rate: Math.round(m.writes / seconds * 100) / 100, acks: null,
    expected_deliveries: m.expected, deliveries: m.deliveries, lost_deliveries: m.expected - m.deliveries,
    delivered_per_s: Math.round(m.deliveries / ((m.drained - m.start) / 1000) * 100) / 100,
    sync_latency_us: pct(m.sync), sync_from_send_us: pct(m.syncFromSend), ack_latency_us: null,
    bytes_per_op: bytes
  }
}

let current = null
let phaseName = 'connect'
const t0 = performance.now()
let lastWrites = 0; let lastDeliveries = 0; let lastM = null
const ticker = setInterval(() => {
  if (opt.quiet) return
  const el = ((performance.now() - t0) / 1000).toFixed(1)
  const m = current
  if (!m || phaseName === 'connect') { console.log(`[${el}s ${phaseName}] connected ${connected}  errors ${totalErrors()}`); return }
  if (m !== lastM) { lastM = m; lastWrites = 0; lastDeliveries = 0 }
  const p99 = m.interval.getValueAtPercentile(99) / 1000
  m.interval.reset()
  console.log(`[${el}s ${phaseName}] rate ${m.writes - lastWrites}/s  delivered ${m.deliveries - lastDeliveries}/s  p99 sync ${p99.toFixed(2)} ms  in-flight ${m.outstanding}  errors ${totalErrors()}`)
  lastWrites = m.writes; lastDeliveries = m.deliveries
}, 1000)
const totalErrors = () => Object.values(errors).reduce((a, b) => a + b, 0)

async function main () {
  const all = users.flatMap(u => u.devices)
  await warmUpConnects()
  if (!opt.quiet) console.log(`connecting ${all.length} devices (${opt.users} users x ${opt.devices}) to ${opt.url}`)
  const c0 = performance.now()
  await connectBatches(all)
  const rampSeconds = (performance.now() - c0) / 1000
  if (opt.warmup > 0) {
    phaseName = 'warmup'
    const w = newMetrics('warmup', opt.rate)
    await runPhase(w, opt.rate, opt.warmup)
    await drain(w)
  }
  phaseName = 'measure'
  if (!opt.quiet) console.log(`measuring: ${opt.rate} writes/s for ${opt.duration} s`) // compare.sh waits for this line
  const m = newMetrics('measure', opt.rate)
  await runPhase(m, opt.rate, opt.duration)
  await drain(m)
  phaseName = 'done'
  const head = phaseResult(m)
  head.superseded_by_concurrent_write = superseded(m)
  const lost = head.lost_deliveries - head.superseded_by_concurrent_write
  const result = {
    scenario: 'latency', tool: 'bench/peer/load.js (y-websocket ' + require('y-websocket/package.json').version + ', yjs ' + require('yjs/package.json').version + ')',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    config: { url: opt.url, users: opt.users, devices: opt.devices, rate: opt.rate, duration_s: opt.duration, warmup_s: opt.warmup, mix: opt.mix, connect_warmup: opt['connect-warmup'] },
    connections: { attempted: all.length, connected, ramp_seconds: rampSeconds, connect_latency_us: pct(connectHist) },
    phases: [head], headline: head,
    errors: Object.assign({}, errors, { lost_deliveries: lost, total: totalErrors() + lost }),
    error_samples: errorSamples,
    client: { received_messages: receivedMessages, received_payload_bytes: receivedBytes }
  }
  fs.mkdirSync(opt.out, { recursive: true })
  fs.writeFileSync(path.join(opt.out, 'result.json'), JSON.stringify(result, null, 2))
  const s = head.sync_latency_us
  const ms = (v) => (v / 1000).toFixed(3)
  const md = `# Peer load run: y-websocket\n\n- date: ${result.date}\n- config: \`${JSON.stringify(result.config)}\`\n\n` +
    `| writes | deliveries | lost | sync p50 | p90 | p99 | p99.9 | max (ms) |\n|---|---|---|---|---|---|---|---|\n` +
    `| ${head.writes} | ${head.deliveries} | ${lost} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.p99_9)} | ${ms(s.max)} |\n\n` +
    `Bytes per op: \`${JSON.stringify(head.bytes_per_op)}\`\n\nErrors: \`${JSON.stringify(result.errors)}\`\n`
  fs.writeFileSync(path.join(opt.out, 'summary.md'), md)
  console.log('\n' + md)
  closing = true
  clearInterval(ticker)
  for (const d of all) if (d.ws) d.ws.terminate()
  process.exit(result.errors.total === 0 ? 0 : 1)
}
main().catch((e) => { console.error(e); process.exit(1) })
