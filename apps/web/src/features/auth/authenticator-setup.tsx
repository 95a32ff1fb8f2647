/** "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP": easier to type from the screen. */
function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** The QR code (rendered by the API) and the same key as text, for an authenticator app. */
export function AuthenticatorQr({ qrCode, secret }: { qrCode: string; secret: string }) {
  return (
    <div className="qr">
      <img
        src={qrCode}
        width={200}
        height={200}
        alt="QR code to add this account to your authenticator app"
      />
      <div>
        <p>If you cannot scan it, enter this key in the app instead:</p>
        <p className="secret" data-testid="totp-secret">
          <code>{groupSecret(secret)}</code>
        </p>
      </div>
    </div>
  );
}

/** Recovery codes, shown once. */
export function RecoveryCodeList({ codes }: { codes: readonly string[] }) {
  return (
    <ul className="recovery-codes" aria-label="Recovery codes">
      {codes.map((c) => (
        <li key={c}>
          <code>{c}</code>
        </li>
      ))}
    </ul>
  );
}
