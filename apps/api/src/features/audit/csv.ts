// Spreadsheet programs run cells that start with these as formulas (CSV injection, OWASP).
const FORMULA_TRIGGER = '=+\\-@\\t\\r';
// A program that splits on a different list separator (Excel uses `;` where the decimal comma is
// usual; others split on tab or `|`) starts a new cell after any of these, and a line break
// starts a new row for a parser that ignores quotes: a trigger right after one is a cell start.
const SEPARATOR = ',;\\t|\\r\\n';
const CELL_START_TRIGGER = new RegExp(`(?<=^|[${SEPARATOR}])(?=[${FORMULA_TRIGGER}])`, 'g');
const NEEDS_QUOTES = new RegExp(`["${SEPARATOR}]`);

/**
 * One CSV cell, neutralised against formula injection: a single quote goes before every trigger
 * that starts the cell or follows a separator (OWASP's prefix, applied wherever some program
 * could see a cell begin), and the cell is quoted when it holds any separator (RFC 4180).
 */
export function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  const neutral = text.replace(CELL_START_TRIGGER, "'");
  return NEEDS_QUOTES.test(neutral) ? `"${neutral.replaceAll('"', '""')}"` : neutral;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
