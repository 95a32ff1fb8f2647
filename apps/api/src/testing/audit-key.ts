import { type AuditKeyring, parseKeyring } from '../features/audit/index.ts';

/** The audit key test apps and test server processes sign with (a test secret only). */
export const TEST_AUDIT_KEY = `test-1:${'5a'.repeat(32)}`;
export const TEST_AUDIT_KEYRING: AuditKeyring = parseKeyring(TEST_AUDIT_KEY);
