// The partnership feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/partnership/ imports its other files (see .dependency-cruiser.cjs).
export { boundaryAdminRoutes } from './boundaries-admin.routes.ts';
export { bumpDataVersion } from './data-version.ts';
export { partnershipVocabulary } from './partnership.queries.ts';
export { partnershipRoutes } from './partnership.routes.ts';
export type { PartnershipState } from './partnership-state.ts';
export { loadPartnershipState, readPartnershipState } from './partnership-state.ts';
export {
  checkImportFile,
  checkPartnershipInput,
  createPartnership,
  describeCreated,
  describeTaxonomy,
  hasPartnership,
  importAgencies,
  importTaxonomy,
  NO_PARTNERSHIP_HELP,
  readSetupFile,
  requireAgency,
  resolvePartnership,
} from './setup/partnership-setup.ts';
export { seedSuggestedActions } from './setup/suggested-action-defaults.ts';
