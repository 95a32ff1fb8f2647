import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of PostgreSQL, so a test can cut the database off from the
 * app (as a restart or network fault would) and reconnect it, without touching the server.
 */
export interface TcpProxy {
  readonly port: number;
  /** Rewrites a postgres:// URL to go through the proxy. */
  url(databaseUrl: string): string;
  /** Drops every connection and refuses new ones until `resume()`. */
  cut(): Promise<void>;
  resume(): Promise<void>;
  /**
   * Answers, once, the next client message that `matches` with `reply` instead of forwarding
   * it, and ends that connection (as a server ending a session mid-query does).
   */
  endNext(matches: (chunk: Buffer) => boolean, reply: Buffer): void;
  /** How many connections `endNext` has ended. */
  readonly ended: number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let ending: { matches: (chunk: Buffer) => boolean; reply: Buffer } | undefined;
  let ended = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = createConnection({ host: targetHost, port: targetPort });
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        upstream.pipe(client);
        client.on('data', (chunk: Buffer) => {
          if (ending?.matches(chunk)) {
            client.end(ending.reply);
            upstream.destroy();
            ending = undefined;
            ended++;
          } else upstream.write(chunk);
        });
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server?.address();
        if (address && typeof address === 'object') port = address.port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await listen();
  return {
    get port() {
      return port;
    },
    url(databaseUrl) {
      const parsed = new URL(databaseUrl);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: stop,
    resume: listen,
    endNext(matches, reply) {
      ending = { matches, reply };
    },
    get ended() {
      return ended;
    },
    close: stop,
  };
}
