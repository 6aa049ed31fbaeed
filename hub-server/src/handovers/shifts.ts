import { DateTime, IANAZone } from 'luxon';

/** One shift of the day, as local wall-clock minutes since midnight; `end` may pass midnight. */
interface ShiftTemplate {
  start: number;
  end: number;
}

export interface Shift {
  start: Date;
  end: Date;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

const minutesOf = (clock: string): number => {
  const m = CLOCK.exec(clock.trim());
  if (!m) throw new Error(`"${clock}" is not a time of day such as 08:00`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/**
 * Reads `TANSIQ_SHIFTS`: either change times (`08:00,20:00`: each shift runs until the next change,
 * so the day is covered) or explicit shifts (`07:00-15:00,15:00-23:00`: outside them, no shift).
 */
export function parseShifts(spec: string): ShiftTemplate[] {
  const parts = spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new Error('name at least one shift');
  if (parts.every((p) => !p.includes('-'))) {
    const starts = [...new Set(parts.map(minutesOf))].sort((a, b) => a - b);
    return starts.map((start, i) => ({
      start,
      end: i + 1 < starts.length ? starts[i + 1]! : starts[0]! + 24 * 60,
    }));
  }
  const shifts = parts.map((p) => {
    const [from, to, ...rest] = p.split('-');
    if (to === undefined || rest.length > 0) throw new Error(`"${p}" is not a shift such as 08:00-20:00`);
    const start = minutesOf(from!);
    let end = minutesOf(to);
    if (end <= start) end += 24 * 60;
    return { start, end };
  });
  shifts.sort((a, b) => a.start - b.start);
  for (let i = 1; i < shifts.length; i++)
    if (shifts[i]!.start < shifts[i - 1]!.end) throw new Error('shifts overlap');
  const last = shifts.at(-1)!;
  if (last.end > shifts[0]!.start + 24 * 60) throw new Error('shifts overlap');
  return shifts;
}

/**
 * The instant a day's wall clock shows `minutes` after its midnight (past 24 h: on the next day).
 * Calendar arithmetic, not a duration: across a daylight-saving change 12:00 is still 12:00.
 */
function wallClock(day: DateTime, minutes: number): Date {
  return day
    .plus({ days: Math.floor(minutes / 1440) })
    .set({ hour: Math.floor((minutes % 1440) / 60), minute: minutes % 60 })
    .toJSDate();
}

export function isTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * The shift calendar of every joint centre: which shift is on at an instant, and which one ended
 * last. Wall-clock times are read in the configured zone by Luxon (daylight saving included).
 */
export class ShiftCalendar {
  private readonly templates: ShiftTemplate[];

  constructor(
    spec: string,
    readonly zone: string,
  ) {
    this.templates = parseShifts(spec);
    if (!isTimeZone(zone)) throw new Error(`unknown time zone ${zone}`);
  }

  /** Shifts that start from the day before `at` to the day after, in order. */
  private around(at: Date): Shift[] {
    const day = DateTime.fromJSDate(at, { zone: this.zone }).startOf('day');
    const out: Shift[] = [];
    for (const offset of [-1, 0, 1]) {
      const base = day.plus({ days: offset });
      for (const t of this.templates)
        out.push({ start: wallClock(base, t.start), end: wallClock(base, t.end) });
    }
    return out.sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  /** The shift on at `at`, or null between explicit shifts. */
  current(at: Date = new Date()): Shift | null {
    const t = at.getTime();
    return this.around(at).find((s) => s.start.getTime() <= t && t < s.end.getTime()) ?? null;
  }

  /** The latest shift that has ended at or before `at`. */
  previous(at: Date = new Date()): Shift {
    const t = at.getTime();
    const ended = this.around(at).filter((s) => s.end.getTime() <= t);
    return ended.at(-1)!;
  }
}
