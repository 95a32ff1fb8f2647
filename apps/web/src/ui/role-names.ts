import type { Role } from '../api/types.ts';

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  analyst: 'Analyst',
  chair: 'Tasking chair',
  partner: 'Partner',
  viewer: 'Viewer',
};
