import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Only request metadata is ever logged (method, route, status, time,
 * request id, user id): never bodies, query strings of record searches or record content.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hotspot-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['password', '*.password', 'code', '*.code', 'summary', '*.summary'],
        remove: true,
      },
    },
    destination,
  );
}
