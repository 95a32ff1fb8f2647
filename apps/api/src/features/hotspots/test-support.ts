import type { AddressInfo } from 'node:net';
import { bngToLngLat } from '@hotspot/ingest';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import type { AppDeps } from '../../deps.ts';
import type { SeededPartnership } from '../../testing/fixtures.ts';
import { createUser } from '../accounts/index.ts';

/** A BNG rectangle as a WGS84 GeoJSON polygon (for drawn hotspots and the partnership area). */
export function bngRectangle(minX: number, minY: number, maxX: number, maxY: number) {
  const corners: [number, number][] = [
    [minX, minY],
    [maxX, minY],
    [maxX, maxY],
    [minX, maxY],
    [minX, minY],
  ];
  return { type: 'Polygon' as const, coordinates: [corners.map(([x, y]) => bngToLngLat(x, y))] };
}

/** The test partnership area: a 6 km square in north Worcestershire (BNG 380000-386000, 270000-276000). */
export const TEST_AREA_BNG = [380_000, 270_000, 386_000, 276_000] as const;

export async function setPartnershipArea(deps: AppDeps, partnershipId: string): Promise<void> {
  // Drawn as BNG and transformed by PostGIS, as an admin's boundary upload would be stored.
  const [minX, minY, maxX, maxY] = TEST_AREA_BNG;
  await sql`update partnership set area = ST_Multi(ST_Transform(ST_MakeEnvelope(${minX}, ${minY}, ${maxX}, ${maxY}, 27700), 4326))
    where id = ${partnershipId}`.execute(deps.db.kysely);
}

export const EXTRA_PARTNER_PASSWORD = 'Partner-walrus-clementine-73';

/** A partner user of another agency (seedPartnership makes one partner, of WRS). */
export async function createPartner(
  deps: AppDeps,
  seed: SeededPartnership,
  agencyCode: string,
): Promise<{ id: string; email: string; password: string }> {
  const email = `partner-${agencyCode.toLowerCase()}@test-csp.test`;
  const created = await createUser(deps, {
    partnershipId: seed.partnershipId,
    email,
    name: `Partner of ${agencyCode}`,
    role: 'partner',
    agencyCode,
    password: EXTRA_PARTNER_PASSWORD,
  });
  return { id: created.id, email, password: EXTRA_PARTNER_PASSWORD };
}

export interface ReceivedEmail {
  readonly from: string;
  readonly to: readonly string[];
  /** The raw message (headers and body), header folding undone. */
  readonly raw: string;
}

/** A real SMTP server on 127.0.0.1 (port 0) collecting what it receives. */
export async function startSmtpServer(): Promise<{
  url: string;
  received: ReceivedEmail[];
  waitFor: (count: number, timeoutMs?: number) => Promise<ReceivedEmail[]>;
  close: () => Promise<void>;
}> {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks)
            .toString('utf8')
            .replace(/\r\n[ \t]+/g, ' '),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count, timeoutMs = 5000) {
      const started = Date.now();
      while (received.length < count && Date.now() - started < timeoutMs) {
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
