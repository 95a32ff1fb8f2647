import { AGENCY_KINDS, type AgencyKind } from '@hotspot/contracts';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { PROBLEM, ProblemError } from '../../../http/problem.ts';

export interface AgencyRow {
  readonly code: string;
  readonly name: string;
  readonly kind: AgencyKind;
  readonly email: string | null;
}

export interface TaxonomyRow {
  readonly kind: 'category' | 'place-type';
  readonly code: string;
  readonly label: string;
  readonly description: string | null;
  /** police.uk "Crime type" values whose rows take this category (categories only). */
  readonly policeUkCrimeTypes: readonly string[];
}

// The rules of the database's checks and of the admin routes, so a file that passes here is
// written whole.
const AgencyRowSchema = z.object({
  code: z
    .string()
    .regex(
      /^[A-Z0-9][A-Z0-9-]{0,15}$/,
      'must be 1-16 capital letters, digits or hyphens (e.g. WMP)',
    ),
  name: z.string().min(1, 'is empty').max(200, 'is longer than 200 characters'),
  kind: z.enum(AGENCY_KINDS, `must be one of ${AGENCY_KINDS.join(', ')}`),
  email: z
    .union([z.literal(''), z.email('is not an email address').max(320)])
    .optional()
    .transform((v) => v || null),
});

const TaxonomyRowSchema = z
  .object({
    kind: z.enum(['category', 'place-type'], 'must be category or place-type'),
    code: z
      .string()
      .max(60, 'is longer than 60 characters')
      .regex(
        /^[a-z0-9]+(-[a-z0-9]+)*$/,
        'must be lower-case words joined by hyphens (e.g. takeaway)',
      ),
    label: z.string().min(1, 'is empty').max(200, 'is longer than 200 characters'),
    description: z
      .string()
      .max(1000, 'is longer than 1000 characters')
      .optional()
      .transform((v) => v || null),
    police_uk_crime_types: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(';')
          .map((t) => t.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().max(100, 'names a crime type longer than 100 characters'))),
  })
  .superRefine((row, ctx) => {
    if (row.kind === 'place-type' && row.police_uk_crime_types.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['police_uk_crime_types'],
        message: 'is allowed on categories only (police.uk crime types map to categories)',
      });
    }
  });

const AGENCY_COLUMNS = { required: ['code', 'name', 'kind'], optional: ['email'] } as const;
const TAXONOMY_COLUMNS = {
  required: ['kind', 'code', 'label'],
  optional: ['description', 'police_uk_crime_types'],
} as const;

const MAX_PROBLEMS_SHOWN = 20;

interface CsvLine {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

/** Problems of a setup file: the first MAX_PROBLEMS_SHOWN, one a line, each naming line and column. */
function fileProblem(file: string, problems: readonly string[]): ProblemError {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `  ${file} ${p}`);
  const more =
    problems.length > MAX_PROBLEMS_SHOWN
      ? [`  ... and ${problems.length - MAX_PROBLEMS_SHOWN} more`]
      : [];
  return new ProblemError(
    PROBLEM.validation,
    [
      `${file}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}, nothing imported:`,
      ...shown,
      ...more,
    ].join('\n'),
  );
}

function readCsv(
  text: string,
  file: string,
  columns: { readonly required: readonly string[]; readonly optional: readonly string[] },
): CsvLine[] {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw fileProblem(file, [
      `${line ? `line ${line}: ` : ''}not readable as CSV (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  const [header, ...rows] = parsed;
  if (!header) throw fileProblem(file, ['is empty: the first line must name the columns']);
  const names = header.record.map((h) => h.trim().toLowerCase());
  const known = new Set<string>([...columns.required, ...columns.optional]);
  const problems: string[] = [];
  for (const name of names) {
    if (!known.has(name)) {
      problems.push(
        `line 1: unknown column "${name}" (the columns are ${[...columns.required, ...columns.optional].join(', ')})`,
      );
    }
  }
  for (const name of columns.required) {
    if (!names.includes(name)) problems.push(`line 1: the column ${name} is missing`);
  }
  if (new Set(names).size !== names.length) problems.push('line 1: a column is named twice');
  if (problems.length > 0) throw fileProblem(file, problems);
  const lines: CsvLine[] = [];
  for (const { record, info } of rows) {
    if (record.length !== names.length) {
      problems.push(
        `line ${info.lines}: ${record.length} cells, but the header names ${names.length}`,
      );
      continue;
    }
    lines.push({
      line: info.lines,
      cells: Object.fromEntries(names.map((n, i) => [n, record[i] ?? ''])),
    });
  }
  if (problems.length > 0) throw fileProblem(file, problems);
  if (lines.length === 0) throw fileProblem(file, ['has a header but no rows']);
  return lines;
}

function validateRows<T>(
  lines: readonly CsvLine[],
  file: string,
  schema: z.ZodType<T>,
  checkUnique: (row: T, line: number) => string | undefined,
): T[] {
  const problems: string[] = [];
  const rows: T[] = [];
  for (const { line, cells } of lines) {
    const result = schema.safeParse(cells);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const column = String(issue.path[0] ?? '');
        const value = cells[column];
        problems.push(
          `line ${line}, column ${column}: ${value ? `"${value}" ` : ''}${issue.message}`,
        );
      }
      continue;
    }
    const duplicate = checkUnique(result.data, line);
    if (duplicate) problems.push(`line ${line}, ${duplicate}`);
    rows.push(result.data);
  }
  if (problems.length > 0) throw fileProblem(file, problems);
  return rows;
}

/** Parses an agencies CSV (columns code,name,kind[,email]); all rows valid or a ProblemError. */
export function parseAgenciesCsv(text: string, file = 'agencies.csv'): AgencyRow[] {
  const codes = new Map<string, number>();
  return validateRows(readCsv(text, file, AGENCY_COLUMNS), file, AgencyRowSchema, (row, line) => {
    const earlier = codes.get(row.code);
    codes.set(row.code, line);
    return earlier === undefined
      ? undefined
      : `column code: ${row.code} is already on line ${earlier}`;
  });
}

/**
 * Parses a taxonomy CSV (columns kind,code,label[,description][,police_uk_crime_types]); kind is
 * category or place-type; police_uk_crime_types lists, separated by semicolons, the police.uk
 * crime types whose rows take the category. All rows valid or a ProblemError.
 */
export function parseTaxonomyCsv(text: string, file = 'taxonomy.csv'): TaxonomyRow[] {
  const codes = new Map<string, number>();
  const crimeTypes = new Map<string, number>();
  const rows = validateRows(
    readCsv(text, file, TAXONOMY_COLUMNS),
    file,
    TaxonomyRowSchema,
    (row, line) => {
      const key = `${row.kind} ${row.code}`;
      const earlier = codes.get(key);
      codes.set(key, line);
      if (earlier !== undefined)
        return `column code: the ${row.kind} ${row.code} is already on line ${earlier}`;
      for (const type of row.police_uk_crime_types) {
        const mapped = crimeTypes.get(type);
        if (mapped !== undefined) {
          return `column police_uk_crime_types: "${type}" is already mapped on line ${mapped}`;
        }
        crimeTypes.set(type, line);
      }
      return undefined;
    },
  );
  return rows.map((r) => ({
    kind: r.kind,
    code: r.code,
    label: r.label,
    description: r.description,
    policeUkCrimeTypes: r.police_uk_crime_types,
  }));
}
