// CRDT rules of the browser client: the same as sync-core and UserState.apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOp, EMPTY_STATE, encodeState, OrSet, watchlistOf } from '../../main/resources/webroot/client/sync-client.js';

const add = (content, ts, device) => ({ type: 'watchlist_update', operation: 'add', content_id: content, timestamp: ts, device_id: device });
const remove = (content, tags, ts, device) => ({ type: 'watchlist_update', operation: 'remove', content_id: content, tags, timestamp: ts, device_id: device });
const progress = (content, pos, ts, device) => ({ type: 'progress_update', content_id: content, position_seconds: pos, duration_seconds: 1000, state: 'paused', timestamp: ts, device_id: device });
const pref = (key, value, ts, device) => ({ type: 'preference_update', key, value, timestamp: ts, device_id: device });
const fold = (ops, from = EMPTY_STATE) => ops.reduce(applyOp, from);

function permutations(xs) {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

test('LWW: the higher timestamp wins in either order', () => {
  const a = progress('c', 10, 100n, 'zzz'), b = progress('c', 20, 101n, 'aaa');
  assert.equal(fold([a, b]).progress.get('c').value.position_seconds, 20);
  assert.equal(fold([b, a]).progress.get('c').value.position_seconds, 20);
});

test('LWW: equal timestamps go to the greater device id, in either order', () => {
  const a = progress('c', 10, 100n, 'phone'), b = progress('c', 20, 100n, 'tv');
  assert.equal(fold([a, b]).progress.get('c').device_id, 'tv');
  assert.equal(fold([b, a]).progress.get('c').device_id, 'tv');
  const p = pref('lang', 'fr', 5n, 'b'), q = pref('lang', 'de', 5n, 'a');
  assert.equal(fold([p, q]).preferences.get('lang').value, 'fr');
  assert.equal(fold([q, p]).preferences.get('lang').value, 'fr');
});

test('LWW: compares timestamps beyond 2^53 exactly', () => {
  const a = progress('c', 1, 9007199254740993n, 'a'), b = progress('c', 2, 9007199254740992n, 'z');
  assert.equal(fold([a, b]).progress.get('c').value.position_seconds, 1);
  assert.equal(fold([b, a]).progress.get('c').value.position_seconds, 1);
});

test('OR-Set: add wins over a concurrent remove that had not seen it', () => {
  const addPhone = add('m', 10n, 'phone');
  const addTv = add('m', 11n, 'tv'); // concurrent with the remove below
  const removeSeen = remove('m', ['10@phone'], 12n, 'laptop'); // saw only the phone's add
  for (const order of permutations([addPhone, addTv, removeSeen])) {
    const st = fold(order);
    assert.deepEqual(watchlistOf(st), ['m'], JSON.stringify(order.map((o) => o.device_id)));
    assert.deepEqual(OrSet.tags(st.watchlist, 'm'), ['11@tv']);
  }
});

test('OR-Set: a remove that arrives before its add leaves a tombstone; the add is dead on arrival', () => {
  const r = remove('m', ['10@phone'], 12n, 'tv');
  const st = fold([r]);
  assert.deepEqual(watchlistOf(st), []);
  assert.equal(st.watchlist.tombstones.get('10@phone'), 12n);
  const after = applyOp(st, add('m', 10n, 'phone'));
  assert.deepEqual(watchlistOf(after), []);
  assert.equal(encodeState(after), encodeState(fold([add('m', 10n, 'phone'), r])), 'same state as add-then-remove');
});

test('OR-Set: removing every observed tag removes the element; a later add brings it back', () => {
  const st = fold([add('m', 10n, 'a'), add('m', 11n, 'b'), remove('m', ['10@a', '11@b'], 12n, 'a')]);
  assert.deepEqual(watchlistOf(st), []);
  assert.deepEqual(watchlistOf(applyOp(st, add('m', 13n, 'a'))), ['m']);
});

test('apply is idempotent and order-independent (same state, same bytes)', () => {
  const ops = [add('x', 1n, 'a'), add('y', 2n, 'b'), remove('x', ['1@a'], 3n, 'b'), progress('x', 5, 4n, 'a'),
    progress('x', 6, 4n, 'b'), pref('k', { v: 1 }, 5n, 'a'), add('x', 6n, 'c')];
  const reference = encodeState(fold(ops));
  for (const order of permutations(ops.slice(0, 5)).slice(0, 60)) {
    const all = [...order, ...ops.slice(5)];
    assert.equal(encodeState(fold(all)), reference);
    assert.equal(encodeState(fold([...all, ...all])), reference, 're-applying changes nothing');
  }
  const st = fold(ops);
  for (const op of ops) assert.equal(encodeState(applyOp(st, op)), reference);
});

test('apply never changes its input state', () => {
  const st = fold([add('x', 1n, 'a')]);
  const before = encodeState(st);
  applyOp(st, remove('x', ['1@a'], 2n, 'b'));
  applyOp(st, progress('x', 1, 3n, 'a'));
  assert.equal(encodeState(st), before);
});

test('latest tracks the highest op timestamp', () => {
  assert.equal(fold([add('x', 7n, 'a'), add('y', 3n, 'a')]).latest, 7n);
});
