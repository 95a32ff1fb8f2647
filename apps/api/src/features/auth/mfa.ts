import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { AppDeps } from '../../deps.ts';
import { sha256Hex } from './sessions.ts';

const TOTP_ISSUER = 'Hotspot map';
const TOTP_PERIOD_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;

/** The authenticator-app parameters every common app supports (SHA-1, 6 digits, 30 s). */
export function totpFor(secretBase32: string, email: string): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: email,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * Checks a 6-digit code within one step either side (clock drift) and refuses a step at or
 * before the last one accepted (replay). Returns the step to store, or null.
 */
export function acceptTotp(
  deps: Pick<AppDeps, 'clock'>,
  user: { email: string; mfa_secret: string; totp_last_counter: string | null },
  code: string,
): number | null {
  const totp = totpFor(user.mfa_secret, user.email);
  const timestamp = deps.clock().getTime();
  const delta = totp.validate({ token: code, timestamp, window: 1 });
  if (delta === null) return null;
  const step = totp.counter({ timestamp }) + delta;
  if (user.totp_last_counter !== null && step <= Number(user.totp_last_counter)) return null;
  return step;
}

/** The code an authenticator app would show at `at` (tests and the CLI use it). */
export function totpCodeAt(secretBase32: string, at: Date): string {
  return totpFor(secretBase32, 'x').generate({ timestamp: at.getTime() });
}

/** 10 codes like "k3f9q-x7m2p": 50 random bits each, so a plain sha256 is a safe store. */
export function newRecoveryCodes(): string[] {
  // 32 symbols (no i, l, o, 1), so a byte modulo 32 is unbiased.
  const alphabet = 'abcdefghjkmnpqrstuvwxyz023456789';
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(code: string): string {
  return sha256Hex(`recovery:${normaliseRecoveryCode(code)}`);
}

/** The otpauth:// URI as an SVG QR code data URL, rendered here (no third-party service). */
export async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
