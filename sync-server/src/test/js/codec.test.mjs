// Codec and HLC tests of the browser client, against the same golden vectors as the Java codec.
// Run: node --test sync-server/src/test/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Hlc, HybridClock, parseTag, compareTags, decodeServerMessage, encodeServerMessage,
  decodeClientMessage, encodeClientMessage, SyncError,
} from '../../main/resources/webroot/client/sync-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..', '..');
const goldenDir = join(root, 'sync-protocol', 'src', 'test', 'resources', 'golden');
const golden = readdirSync(goldenDir).filter((f) => f.endsWith('.json')).sort();

test('there are golden vectors for both directions', () => {
  assert.ok(golden.filter((f) => f.startsWith('server.')).length >= 15, golden.join(' '));
  assert.ok(golden.filter((f) => f.startsWith('client.')).length >= 6, golden.join(' '));
});

for (const file of golden) {
  test(`golden ${file}: encode(decode(x)) === x`, () => {
    const text = readFileSync(join(goldenDir, file), 'utf8').replace(/\n$/, '');
    if (file.startsWith('server.')) {
      assert.equal(encodeServerMessage(decodeServerMessage(text)), text);
    } else {
      assert.equal(encodeClientMessage(decodeClientMessage(text)), text);
    }
  });
}

test('every JSON example of docs/protocol.md round-trips as a client or a server message', () => {
  const doc = readFileSync(join(root, 'docs', 'protocol.md'), 'utf8');
  const examples = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  assert.ok(examples.length >= 15);
  for (const text of examples) {
    const roundTrips = [
      [decodeServerMessage, encodeServerMessage],
      [decodeClientMessage, encodeClientMessage],
    ].some(([dec, enc]) => {
      try {
        return enc(dec(text)) === text;
      } catch {
        return false;
      }
    });
    assert.ok(roundTrips, text);
  }
});

test('decoded timestamps are BigInt, exact beyond 2^53', () => {
  const m = decodeServerMessage('{"type":"heartbeat_ack","timestamp":"9007199254740993"}');
  assert.equal(typeof m.timestamp, 'bigint');
  assert.equal(m.timestamp, 9007199254740993n);
  assert.equal(encodeServerMessage(m), '{"type":"heartbeat_ack","timestamp":"9007199254740993"}');
});

test('snapshot state decodes to maps and tags keep their order', () => {
  const text = readFileSync(join(goldenDir, 'server.snapshot.json'), 'utf8').trim();
  const { state } = decodeServerMessage(text);
  assert.deepEqual(state.watchlist.live.get('tmdb:550'), ['113750153625600000@tv-1']);
  assert.equal(state.watchlist.tombstones.get('113750153723904000@phone-1'), 113750153756672003n);
  assert.equal(state.progress.get('tmdb:550').value.position_seconds, 3245);
  assert.deepEqual(state.preferences.get('subtitles').value, { enabled: true, lang: 'de' });
});

test('bad messages are refused with the catalogue codes', () => {
  const code = (fn) => { try { fn(); return 'none'; } catch (e) { assert.ok(e instanceof SyncError); return e.code; } };
  assert.equal(code(() => decodeServerMessage('not json')), 'invalid_json');
  assert.equal(code(() => decodeServerMessage('[1]')), 'invalid_json');
  assert.equal(code(() => decodeServerMessage('{"type":"nope"}')), 'unknown_type');
  assert.equal(code(() => decodeServerMessage('{"type":"heartbeat_ack","timestamp":12}')), 'invalid_field');
  assert.equal(code(() => decodeClientMessage('{"type":"watchlist_update","operation":"add","content_id":"a","tags":["1@x"]}')), 'invalid_field');
  assert.equal(code(() => decodeClientMessage('{"type":"progress_update","content_id":"a","position_seconds":10,"duration_seconds":5,"state":"paused"}')), 'invalid_field');
  assert.equal(code(() => decodeClientMessage('{"type":"watchlist_update","operation":"add","content_id":"bad id"}')), 'invalid_field');
});

test('HLC parse/format round-trips the full unsigned 64-bit range', () => {
  for (const text of ['0', '1', '9007199254740992', '9007199254740993', '113750153756672003', '18446744073709551615']) {
    assert.equal(Hlc.format(Hlc.parse(text)), text);
  }
  assert.equal(Hlc.parse('18446744073709551615'), (1n << 64n) - 1n);
});

test('HLC parse refuses what the server refuses', () => {
  for (const bad of ['', '-1', '+1', ' 1', '1 ', '1e5', '1.0', '0x10', '18446744073709551616', '123456789012345678901', null, 5]) {
    assert.throws(() => Hlc.parse(bad), SyncError, String(bad));
  }
});

test('HLC compare is exact where doubles are not', () => {
  const a = Hlc.parse('9007199254740993'), b = Hlc.parse('9007199254740992');
  assert.equal(Number(a), Number(b)); // what a JS number would get wrong
  assert.equal(Hlc.compare(a, b), 1);
  assert.equal(Hlc.compare(b, a), -1);
  assert.equal(Hlc.compare(a, a), 0);
  assert.equal(Hlc.max(a, b), a);
  const big = Hlc.parse('18446744073709551615');
  assert.equal(Hlc.compare(big, big - 1n), 1);
});

test('HLC packs (millis << 16) | counter', () => {
  const ts = Hlc.of(1735689600000, 7);
  assert.equal(Hlc.millis(ts), 1735689600000);
  assert.equal(Hlc.counter(ts), 7);
  assert.equal(Hlc.format(ts), ((1735689600000n << 16n) | 7n).toString());
  const max = Hlc.of(2 ** 48 - 1, 0xffff);
  assert.equal(Hlc.format(max), '18446744073709551615');
  assert.equal(Hlc.millis(max), 2 ** 48 - 1);
});

test('HybridClock is strictly increasing and moves past observed timestamps', () => {
  let wall = 1000;
  const clock = new HybridClock(() => wall);
  const t1 = clock.now(), t2 = clock.now();
  assert.ok(t2 > t1);
  assert.equal(Hlc.millis(t2), 1000);
  assert.equal(Hlc.counter(t2), 1);
  const remote = Hlc.of(5000, 3);
  const t3 = clock.observe(remote);
  assert.ok(t3 > remote);
  assert.equal(Hlc.millis(t3), 5000);
  assert.equal(Hlc.counter(t3), 4);
  wall = 6000;
  assert.equal(clock.now(), Hlc.of(6000, 0));
});

test('tags split at the first @ and sort by timestamp, then device', () => {
  assert.deepEqual(parseTag('12@a@b'), { timestamp: 12n, deviceId: 'a@b' });
  assert.throws(() => parseTag('@x'));
  assert.throws(() => parseTag('12@'));
  const sorted = ['9@b', '10@a', '9@a'].sort(compareTags);
  assert.deepEqual(sorted, ['9@a', '9@b', '10@a']); // numeric, not lexicographic, on the timestamp
});
