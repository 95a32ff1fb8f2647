// The demo feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/demo/ imports its other files (see .dependency-cruiser.cjs).
export {
  DEMO_AGENCIES,
  DEMO_CATEGORIES,
  DEMO_PLACE_TYPES,
  DEMO_POLICE_UK_MAPPING,
} from './demo-taxonomy.ts';
export type { DemoResult } from './ensure-demo.ts';
export { ensureDemo, loadDemoBoundaries } from './ensure-demo.ts';
export { generateSyntheticRecords } from './synthetic-records.ts';
