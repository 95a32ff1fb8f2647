import { describe, expect, it } from 'vitest';
import { createGroupRead } from './group-read.ts';

/** A load whose answer is the value stored when the load started, resolved when released. */
function controlledStore() {
  const store = new Map<string, number>();
  const loads: { keys: readonly string[]; release: () => void }[] = [];
  const load = (keys: readonly string[]) => {
    const snapshot = new Map(keys.flatMap((k) => (store.has(k) ? [[k, store.get(k)!]] : [])));
    return new Promise<ReadonlyMap<string, number>>((resolve) => {
      loads.push({ keys, release: () => resolve(snapshot) });
    });
  };
  return { store, loads, load };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('createGroupRead', () => {
  it('answers lookups asked together with one load of their distinct keys', async () => {
    const { store, loads, load } = controlledStore();
    store.set('a', 1);
    store.set('b', 2);
    const read = createGroupRead(load);
    const answers = Promise.all([read('a'), read('b'), read('a'), read('missing')]);
    await turn();
    expect(loads.map((l) => [...l.keys].sort())).toEqual([['a', 'b', 'missing']]);
    loads[0]!.release();
    expect(await answers).toEqual([1, 2, 1, undefined]);
  });

  it('never answers a lookup from a load that started before it was asked', async () => {
    const { store, loads, load } = controlledStore();
    store.set('session', 1);
    const read = createGroupRead(load);
    const early = read('session');
    await turn();
    expect(loads).toHaveLength(1);
    // Changed (say, revoked) while the first load is in flight, then asked again.
    store.set('session', 2);
    const late = read('session');
    loads[0]!.release();
    expect(await early).toBe(1);
    await turn();
    expect(loads).toHaveLength(2);
    loads[1]!.release();
    expect(await late).toBe(2);
  });

  it('rejects every lookup of a failed load and serves the next ones', async () => {
    let fail = true;
    const read = createGroupRead(async (keys: readonly string[]) => {
      if (fail) throw new Error('database unavailable');
      return new Map(keys.map((k) => [k, k.length]));
    });
    const failed = await Promise.allSettled([read('x'), read('yy')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await read('zzz')).toBe(3);
  });
});
