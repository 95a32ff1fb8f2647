/**
 * Dates and times as people in the meeting read them, the same on screen, in agenda titles and
 * in the pack.
 */

// Dates as the screens write them ("9 Dec 2026"), times in UK local time: a pack is read in the
// room, where "10:00 UTC" in summer is an hour off.
const DAY = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/** An instant in UK time: "3 Mar 2025, 10:00". */
export function when(iso: string): string {
  return TIME.format(new Date(iso));
}

/** A calendar date ("2025-04-01"): "1 Apr 2025". */
export function day(isoDate: string): string {
  return DAY.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
}
