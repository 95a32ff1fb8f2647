// Spreadsheet programs run cells that start with these as formulas (CSV injection, OWASP).
const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];

/** One CSV cell: neutralised against formula injection, quoted when needed (RFC 4180). */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined
      ? ''
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  if (FORMULA_TRIGGERS.some((t) => text.startsWith(t))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
