/**
 * Screening of free text for personal data and spreadsheet formula injection.
 * Results name the KIND found, never the text that matched: callers put the kind in the row
 * error and nothing else (this module logs nothing).
 */

export type PersonalDataKind =
  | 'name after a title'
  | 'email address'
  | 'phone number'
  | 'date of birth'
  | 'full date'
  | 'full postcode'
  | 'vehicle registration';

interface Detector {
  readonly kind: PersonalDataKind;
  readonly pattern: RegExp;
}

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const NUMERIC_DATE = String.raw`\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b`;
const WORDED_DATE = String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:${MONTHS})\.?,?\s+\d{2,4}\b`;

// Order matters only for which kind is reported first; every detector runs.
const DETECTORS: readonly Detector[] = [
  { kind: 'email address', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u },
  {
    // UK numbers: +44 or 0, then 9-10 more digits, allowing spaces, dots, hyphens, brackets.
    kind: 'phone number',
    pattern: /(?:\+\s?44\s?(?:\(0\)\s?)?|\b0|\(0)(?:[\s.\-()]{0,2}\d){9,10}(?!\d)/,
  },
  {
    // "DOB", "D.O.B.", "date of birth", "born", "birthday" followed shortly by a number.
    kind: 'date of birth',
    pattern: /\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born|birthday)\W{0,3}(?:\w+\W+){0,2}\d/i,
  },
  // Dates belong in the occurred_from/to columns; a full date in free text is most often a date of
  // birth, so any day-month-year is refused.
  { kind: 'full date', pattern: new RegExp(`${NUMERIC_DATE}|${WORDED_DATE}`, 'i') },
  {
    // A full postcode (outward + inward). "DY10" alone is an area and is fine.
    kind: 'full postcode',
    pattern:
      /\b(?:GIR\s?0AA|[A-PR-UWYZ](?:[A-HK-Y]?\d[A-Z\d]?|\d[A-HJKPSTUW])\s?\d[ABD-HJLNP-UW-Z]{2})\b/i,
  },
  {
    // Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) formats. Upper case only, as
    // written on plates; the letter-digit shape excludes road names like "A38" or "M5".
    kind: 'vehicle registration',
    pattern: /\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])\b/,
  },
];

// A title and a capitalised word. "Dr" after a capitalised word is a street ("Station Dr Kidder...").
// Titles in any letter case ("MRS", "mrs."); the name must still be capitalised.
const TITLES = ['Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Dr', 'Master', 'Sir', 'Dame', 'Lady', 'Lord'];
const anyCase = (word: string) =>
  [...word].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join('');
const TITLE_NAME = new RegExp(
  `(^|[^\\p{L}])(${TITLES.map(anyCase).join('|')})\\.?\\s+\\p{Lu}[\\p{Ll}'’-]+`,
  'gu',
);
const CAPITALISED_WORD_BEFORE = /\p{Lu}[\p{Ll}]+\s*$/u;
// A title that begins a place's name: "Lady Lane", "Sir Thomas Street", "the Lord Nelson Arms".
// The capitalised words after the title end in a street or building word within three words.
const PLACE_AFTER_TITLE =
  /^(?:\p{Lu}[\p{Ll}'’-]+\s+){0,2}(?:Street|Road|Lane|Avenue|Close|Way|Drive|Park|Square|Place|Court|Hill|Gardens|Crescent|Walk|Row|Terrace|Green|Grove|Mews|Parade|Rise|Arms|Hall|House|Centre|School|Church)\b/u;

function hasNameAfterTitle(text: string): boolean {
  // exec on the shared /g pattern rather than matchAll, which clones the RegExp on every call;
  // lastIndex is reset first and the loop is synchronous, so no state leaks between calls.
  TITLE_NAME.lastIndex = 0;
  for (let match = TITLE_NAME.exec(text); match !== null; match = TITLE_NAME.exec(text)) {
    const title = match[2];
    const name = text.slice((match.index ?? 0) + (match[1]?.length ?? 0) + (title?.length ?? 0));
    if (PLACE_AFTER_TITLE.test(name.replace(/^\.?\s+/, ''))) continue;
    if (title?.toLowerCase() === 'dr') {
      const before = text.slice(0, (match.index ?? 0) + (match[1]?.length ?? 0));
      if (CAPITALISED_WORD_BEFORE.test(before)) continue;
    }
    return true;
  }
  return false;
}

/**
 * The kinds of personal data found in a piece of free text (empty when none).
 * @example findPersonalData('Seen with Mr Smith, call 07700 900123') // ['name after a title', 'phone number']
 */
export function findPersonalData(text: string): PersonalDataKind[] {
  const found: PersonalDataKind[] = [];
  if (hasNameAfterTitle(text)) found.push('name after a title');
  for (const { kind, pattern } of DETECTORS) {
    if (pattern.test(text)) {
      // A date of birth also matches the plain date rule; say it once, the specific way.
      if (kind === 'full date' && found.includes('date of birth')) continue;
      found.push(kind);
    }
  }
  return found;
}

// What staff write about a hotspot, an action or a meeting names places and dates by design
// ("review on 12/03/2027", "the takeaway at DY10 1AA"); what identifies a person does not belong.
const PLACE_AND_TIME: ReadonlySet<PersonalDataKind> = new Set(['full date', 'full postcode']);

/**
 * The kinds of personal data in a note written by staff (a hotspot's reason or problem-solving
 * record, an action, a decision): `findPersonalData` without full dates and full postcodes, which
 * such notes use for reviews and premises. Names after a title, emails, phone numbers, dates of
 * birth and vehicle registrations are still found.
 * @example findPersonalDataInNote('Review on 12/03/2027 with Mrs Patel') // ['name after a title']
 */
export function findPersonalDataInNote(text: string): PersonalDataKind[] {
  return findPersonalData(text).filter((kind) => !PLACE_AND_TIME.has(kind));
}

/**
 * True when a text cell would be run as a formula by a spreadsheet that opens an export of it
 * (OWASP CSV injection): it starts with =, +, -, @, a tab or a carriage return, also after
 * leading spaces. Only for text columns: "-2.25" in a number column is a number.
 */
export function isFormulaInjection(raw: string): boolean {
  if (raw.length === 0) return false;
  const first = raw.charCodeAt(0);
  if (first === 0x09 || first === 0x0d) return true;
  return FORMULA_START.test(raw);
}

const FORMULA_START = /^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;
