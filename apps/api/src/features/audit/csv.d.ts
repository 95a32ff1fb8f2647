/** One CSV cell: neutralised against formula injection, quoted when needed (RFC 4180). */
export declare function csvCell(value: unknown): string;
export declare function csvLine(values: readonly unknown[]): string;
