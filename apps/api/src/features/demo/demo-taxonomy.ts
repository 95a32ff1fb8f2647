import type { AgencyKind } from '@hotspot/contracts';

/** The North Worcestershire partners of DESIGN.md section 1; agencies are data, not code. */
export const DEMO_AGENCIES: readonly { code: string; name: string; kind: AgencyKind }[] = [
  { code: 'WMP', name: 'West Mercia Police', kind: 'police' },
  { code: 'BDC', name: 'Bromsgrove District Council', kind: 'council' },
  { code: 'RBC', name: 'Redditch Borough Council', kind: 'council' },
  { code: 'WFDC', name: 'Wyre Forest District Council', kind: 'council' },
  { code: 'WRS', name: 'Worcestershire Regulatory Services', kind: 'regulatory' },
  { code: 'WCC-CS', name: "Worcestershire County Council Children's Services", kind: 'children' },
  { code: 'SHP', name: 'North Worcestershire Strategic Housing Partnership', kind: 'housing' },
  {
    code: 'NHS',
    name: 'Herefordshire and Worcestershire Health and Care NHS Trust',
    kind: 'health',
  },
  { code: 'EDU', name: 'Schools and colleges (education safeguarding leads)', kind: 'education' },
  { code: 'VOL', name: 'Voluntary sector CSE support services', kind: 'voluntary' },
];

export const DEMO_CATEGORIES: readonly { code: string; label: string }[] = [
  { code: 'adults-with-children', label: 'Adults seen with unrelated children or young people' },
  { code: 'children-at-premises', label: 'Children at premises at unusual hours' },
  { code: 'gifts-substances', label: 'Children given alcohol, drugs, gifts or lifts' },
  { code: 'vehicle-pickups', label: 'Young people picked up or dropped off by vehicles' },
  { code: 'missing-episodes', label: 'Place linked to missing-from-home episodes' },
  { code: 'online-meetups', label: 'Online contact leading to meet-ups here' },
  { code: 'concerning-behaviour', label: 'Other concerning behaviour' },
  { code: 'violence-sexual-offences', label: 'Reported crime: violence and sexual offences' },
  { code: 'anti-social-behaviour', label: 'Reported anti-social behaviour' },
  { code: 'drugs', label: 'Reported crime: drugs' },
  { code: 'public-order', label: 'Reported crime: public order' },
  { code: 'other-crime', label: 'Reported crime: other' },
];

export const DEMO_PLACE_TYPES: readonly { code: string; label: string }[] = [
  { code: 'licensed-premises', label: 'Licensed premises' },
  { code: 'takeaway', label: 'Takeaway' },
  { code: 'hotel-bnb', label: 'Hotel or B&B' },
  { code: 'hostel-hmo', label: 'Hostel or HMO' },
  { code: 'taxi-private-hire', label: 'Taxi or private-hire rank or vehicle' },
  { code: 'park-open-space', label: 'Park or open space' },
  { code: 'transport-hub', label: 'Transport hub' },
  { code: 'shopping-centre', label: 'Shopping centre' },
  { code: 'street', label: 'Street or public place' },
  { code: 'other', label: 'Other or unknown' },
];

/** police.uk "Crime type" values mapped to categories of this taxonomy. */
export const DEMO_POLICE_UK_MAPPING: Readonly<Record<string, string>> = {
  'Violence and sexual offences': 'violence-sexual-offences',
  'Anti-social behaviour': 'anti-social-behaviour',
  Drugs: 'drugs',
  'Public order': 'public-order',
  Shoplifting: 'other-crime',
  'Criminal damage and arson': 'other-crime',
  'Other theft': 'other-crime',
  Burglary: 'other-crime',
  'Vehicle crime': 'other-crime',
  'Other crime': 'other-crime',
  'Possession of weapons': 'other-crime',
  'Bicycle theft': 'other-crime',
  Robbery: 'other-crime',
  'Theft from the person': 'other-crime',
};
