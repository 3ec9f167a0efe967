/**
 * The demo's calendar: weekly epochs grouped into months by the 4-4-5 retail calendar (13 weeks a quarter, 52 a
 * year), so every epoch belongs to exactly one month and a monthly invoice falls on a week's close.
 */
export const WEEK = 7 * 86_400;

/** Weeks in month `month` (0-based): 4, 4, 5, 4, 4, 5, … */
export function weeksInMonth(month: number): number {
  return month % 3 === 2 ? 5 : 4;
}

/** The first operating week (1-based, equal to the vault's epoch number) of `month`. */
export function firstWeekOf(month: number): number {
  let week = 1;
  for (let m = 0; m < month; m++) week += weeksInMonth(m);
  return week;
}

/** The last week of `month`: its invoice is attested at that week's close. */
export function lastWeekOf(month: number): number {
  return firstWeekOf(month) + weeksInMonth(month) - 1;
}

/** The month (0-based) that week `week` (1-based) belongs to. */
export function monthOfWeek(week: number): number {
  let month = 0;
  while (lastWeekOf(month) < week) month++;
  return month;
}

/** All operating weeks of a run of `months` months. */
export function totalWeeks(months: number): number {
  return lastWeekOf(months - 1);
}
