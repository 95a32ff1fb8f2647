import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** One synthetic intelligence record, ready to insert (WGS84). */
export interface SyntheticRecord {
  readonly reportedOn: string;
  readonly lng: number;
  readonly lat: number;
  readonly precision: 'exact' | 'street' | 'area';
  readonly placeType: string;
  readonly category: string;
  readonly sourceAgency: string;
  readonly sourceGrade: '1' | '2' | '3';
  readonly intelligenceGrade: 'A' | 'B' | 'C' | 'D' | 'E';
  readonly handlingCode: 'P' | 'C';
  readonly summary: string;
}

/**
 * A place around which synthetic reports gather. `trend` shapes the reports over the 18
 * months: 'steady', 'rising' (more recently), 'falling' (mostly early), 'new' (last months only).
 */
interface Focus {
  readonly name: string;
  readonly lng: number;
  readonly lat: number;
  readonly spreadMeters: number;
  readonly weight: number;
  readonly placeTypes: readonly string[];
  readonly trend: 'steady' | 'rising' | 'falling' | 'new';
}

// Approximate public places in the five towns; the reports themselves are invented.
const FOCI: readonly Focus[] = [
  {
    name: 'Kidderminster town centre',
    lng: -2.2496,
    lat: 52.3887,
    spreadMeters: 180,
    weight: 14,
    placeTypes: ['shopping-centre', 'street', 'takeaway'],
    trend: 'steady',
  },
  {
    name: 'Kidderminster night-time economy',
    lng: -2.2466,
    lat: 52.3869,
    spreadMeters: 90,
    weight: 12,
    placeTypes: ['licensed-premises', 'takeaway', 'taxi-private-hire'],
    trend: 'rising',
  },
  {
    name: 'Kidderminster station',
    lng: -2.2387,
    lat: 52.3843,
    spreadMeters: 70,
    weight: 7,
    placeTypes: ['transport-hub', 'taxi-private-hire'],
    trend: 'steady',
  },
  {
    name: 'Brinton Park, Kidderminster',
    lng: -2.2566,
    lat: 52.3818,
    spreadMeters: 110,
    weight: 6,
    placeTypes: ['park-open-space'],
    trend: 'falling',
  },
  {
    name: 'Kidderminster ring-road hotel',
    lng: -2.2418,
    lat: 52.3951,
    spreadMeters: 25,
    weight: 5,
    placeTypes: ['hotel-bnb'],
    trend: 'new',
  },
  {
    name: 'Bromsgrove High Street',
    lng: -2.059,
    lat: 52.3355,
    spreadMeters: 150,
    weight: 10,
    placeTypes: ['street', 'licensed-premises', 'takeaway'],
    trend: 'steady',
  },
  {
    name: 'Bromsgrove station',
    lng: -2.0476,
    lat: 52.3226,
    spreadMeters: 70,
    weight: 4,
    placeTypes: ['transport-hub', 'taxi-private-hire'],
    trend: 'steady',
  },
  {
    name: 'Sanders Park, Bromsgrove',
    lng: -2.052,
    lat: 52.34,
    spreadMeters: 100,
    weight: 4,
    placeTypes: ['park-open-space'],
    trend: 'rising',
  },
  {
    name: 'Redditch town centre',
    lng: -1.944,
    lat: 52.307,
    spreadMeters: 170,
    weight: 13,
    placeTypes: ['shopping-centre', 'street'],
    trend: 'steady',
  },
  {
    name: 'Church Green, Redditch',
    lng: -1.9406,
    lat: 52.3086,
    spreadMeters: 80,
    weight: 9,
    placeTypes: ['licensed-premises', 'takeaway', 'taxi-private-hire'],
    trend: 'rising',
  },
  {
    name: 'Redditch bus and rail station',
    lng: -1.9455,
    lat: 52.3057,
    spreadMeters: 60,
    weight: 5,
    placeTypes: ['transport-hub'],
    trend: 'steady',
  },
  {
    name: 'Arrow Valley Park, Redditch',
    lng: -1.935,
    lat: 52.295,
    spreadMeters: 160,
    weight: 5,
    placeTypes: ['park-open-space'],
    trend: 'falling',
  },
  {
    name: 'Redditch shared house',
    lng: -1.9562,
    lat: 52.3019,
    spreadMeters: 20,
    weight: 4,
    placeTypes: ['hostel-hmo'],
    trend: 'new',
  },
  {
    name: 'Stourport-on-Severn riverside',
    lng: -2.2794,
    lat: 52.3367,
    spreadMeters: 120,
    weight: 7,
    placeTypes: ['park-open-space', 'licensed-premises'],
    trend: 'steady',
  },
  {
    name: 'Stourport-on-Severn takeaway',
    lng: -2.2801,
    lat: 52.3402,
    spreadMeters: 20,
    weight: 4,
    placeTypes: ['takeaway'],
    trend: 'rising',
  },
  {
    name: 'Bewdley riverside',
    lng: -2.3159,
    lat: 52.3759,
    spreadMeters: 100,
    weight: 4,
    placeTypes: ['licensed-premises', 'park-open-space'],
    trend: 'steady',
  },
];

const CATEGORY_WEIGHTS: readonly [string, number][] = [
  ['adults-with-children', 24],
  ['children-at-premises', 18],
  ['gifts-substances', 14],
  ['vehicle-pickups', 14],
  ['missing-episodes', 10],
  ['online-meetups', 8],
  ['concerning-behaviour', 12],
];

const SOURCE_WEIGHTS: readonly [string, number][] = [
  ['WMP', 40],
  ['WRS', 12],
  ['WFDC', 8],
  ['BDC', 7],
  ['RBC', 7],
  ['WCC-CS', 10],
  ['EDU', 6],
  ['NHS', 4],
  ['SHP', 3],
  ['VOL', 3],
];

const SUMMARIES: Readonly<Record<string, readonly string[]>> = {
  'adults-with-children': [
    'Older adults seen with a group of teenagers late in the evening.',
    'Young people seen leaving with adults not known to them.',
  ],
  'children-at-premises': [
    'Under-age young people reported inside premises after 22:00.',
    'School-age children seen at premises during school hours.',
  ],
  'gifts-substances': [
    'Young people reported being given alcohol by older males.',
    'Concern that free food and vapes are offered to teenagers.',
  ],
  'vehicle-pickups': [
    'Teenagers seen getting into cars that circle the area.',
    'Repeated drop-offs of young people late at night.',
  ],
  'missing-episodes': [
    'Location mentioned after a missing-from-home episode.',
    'Young people reported staying here overnight while missing.',
  ],
  'online-meetups': [
    'Meet-ups here arranged through social media reported by staff.',
    'Concern about online contacts meeting young people here.',
  ],
  'concerning-behaviour': [
    'Staff concerned by adults photographing young people.',
    'Residents report young people being moved between addresses.',
  ],
};

export const DEMO_RECORD_COUNT = 2400;
const MONTHS = 18;
const METRES_PER_DEGREE_LAT = 111_320;

/**
 * Deterministic synthetic records for the North Worcestershire demo: clusters around town
 * centres, night-time economy streets, transport hubs and a few premises, plus background
 * noise across the area, spread over the 18 months before `today`. Same seed and date,
 * same records.
 */
export function generateSyntheticRecords(
  area: FeatureCollection<Polygon | MultiPolygon>,
  today: Date,
  options: { count?: number; seed?: number } = {},
): SyntheticRecord[] {
  const count = options.count ?? DEMO_RECORD_COUNT;
  const rng = xoroshiro128plus(options.seed ?? 20_240_101);
  const random = () => uniformFloat64(rng);
  const normal = () => {
    const u = Math.max(random(), Number.EPSILON);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const weighted = (items: readonly [string, number][]): string => {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = random() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    return items[items.length - 1]![0];
  };
  const [minLng, minLat, maxLng, maxLat] = bboxOf(area);
  const inside = (lng: number, lat: number) =>
    area.features.some((f: Feature<Polygon | MultiPolygon>) =>
      booleanPointInPolygon([lng, lat], f),
    );
  const totalWeight = FOCI.reduce((s, f) => s + f.weight, 0);
  const startMs = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - MONTHS + 1, 1);
  const spanMs = today.getTime() - startMs;

  const records: SyntheticRecord[] = [];
  const backgroundShare = 0.22;
  while (records.length < count) {
    const background = random() < backgroundShare;
    let lng: number;
    let lat: number;
    let placeType: string;
    let fraction: number;
    let precision: SyntheticRecord['precision'];
    if (background) {
      lng = minLng + random() * (maxLng - minLng);
      lat = minLat + random() * (maxLat - minLat);
      placeType = pick([
        'street',
        'street',
        'park-open-space',
        'other',
        'licensed-premises',
        'takeaway',
      ]);
      fraction = random();
      precision = random() < 0.3 ? 'area' : 'street';
    } else {
      let r = random() * totalWeight;
      let focus = FOCI[0]!;
      for (const f of FOCI) {
        r -= f.weight;
        if (r < 0) {
          focus = f;
          break;
        }
      }
      const metresPerDegreeLng = METRES_PER_DEGREE_LAT * Math.cos((focus.lat * Math.PI) / 180);
      lng = focus.lng + (normal() * focus.spreadMeters) / metresPerDegreeLng;
      lat = focus.lat + (normal() * focus.spreadMeters) / METRES_PER_DEGREE_LAT;
      placeType = pick(focus.placeTypes);
      fraction = timeFraction(focus.trend, random);
      precision = focus.spreadMeters <= 30 ? 'exact' : random() < 0.6 ? 'exact' : 'street';
    }
    if (!inside(lng, lat)) continue;
    const category = weighted(CATEGORY_WEIGHTS);
    const reported = new Date(startMs + fraction * spanMs);
    records.push({
      reportedOn: reported.toISOString().slice(0, 10),
      lng: round6(lng),
      lat: round6(lat),
      precision,
      placeType,
      category,
      sourceAgency: weighted(SOURCE_WEIGHTS),
      sourceGrade: pick(['1', '2', '2', '2', '3'] as const),
      intelligenceGrade: pick(['A', 'B', 'B', 'C', 'C', 'D', 'E'] as const),
      handlingCode: random() < 0.08 ? 'C' : 'P',
      summary: `Synthetic: ${pick(SUMMARIES[category]!)}`,
    });
  }
  return records;
}

function timeFraction(trend: Focus['trend'], random: () => number): number {
  switch (trend) {
    case 'rising':
      return Math.sqrt(random());
    case 'falling':
      return 1 - Math.sqrt(random());
    case 'new':
      return 1 - random() * (4 / MONTHS);
    default:
      return random();
  }
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function bboxOf(area: FeatureCollection<Polygon | MultiPolygon>): [number, number, number, number] {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  const visit = (coords: unknown): void => {
    if (Array.isArray(coords) && typeof coords[0] === 'number') {
      const [x, y] = coords as [number, number];
      minLng = Math.min(minLng, x);
      maxLng = Math.max(maxLng, x);
      minLat = Math.min(minLat, y);
      maxLat = Math.max(maxLat, y);
    } else if (Array.isArray(coords)) for (const c of coords) visit(c);
  };
  for (const f of area.features) visit(f.geometry.coordinates);
  return [minLng, minLat, maxLng, maxLat];
}
