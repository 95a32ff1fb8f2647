/** "YYYY-MM-DD" of an instant, in UTC (due dates are calendar dates). */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
