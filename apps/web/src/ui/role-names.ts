import type { Role } from '@hotspot/contracts';

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  analyst: 'Analyst',
  chair: 'Tasking chair',
  partner: 'Partner',
  viewer: 'Viewer',
};
