/**
 * Group reads: concurrent lookups of the same kind share one query instead of a round trip each
 * (the read-side twin of the audit writer's group commit). A lookup made while no query is in
 * flight starts one at once; lookups made while one is in flight wait for it to finish and then
 * go together in the next. Every lookup is therefore answered by a query that *started after it
 * was asked*: it sees every change committed before it was made, exactly as its own query would,
 * so nothing (a revoked session, a new data version) is served from before the request arrived.
 * A lookup made while none is in flight waits only for the end of the current turn of the event
 * loop.
 *
 * Example: `const readSession = createGroupRead((hashes) => selectSessions(hashes));`
 * then `await readSession(hash)` (undefined when the query returned nothing for the key).
 */
export function createGroupRead<K, V>(
  load: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>,
): (key: K) => Promise<V | undefined> {
  type Waiter = {
    readonly key: K;
    readonly resolve: (value: V | undefined) => void;
    readonly reject: (error: unknown) => void;
  };
  let queue: Waiter[] = [];
  let loading = false;

  const drain = async () => {
    loading = true;
    try {
      while (queue.length > 0) {
        const batch = queue;
        queue = [];
        try {
          const found = await load([...new Set(batch.map((w) => w.key))]);
          for (const w of batch) w.resolve(found.get(w.key));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      loading = false;
    }
  };

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      queue.push({ key, resolve, reject });
      if (loading) return;
      loading = true;
      // The first query waits for the rest of this turn of the event loop: requests whose bytes
      // arrived together join it. PGlite runs each query synchronously, so without the wait no
      // other request would ever arrive while one is in flight and none would be grouped.
      setImmediate(() => void drain());
    });
}
