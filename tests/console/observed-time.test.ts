import { describe, expect, test } from 'vitest';
import { formatObserved, parseObserved } from '../../console/src/features/board/observed-time.ts';

describe("the composer's observed time: day/month/year and 24 hours in both languages", () => {
  const now = new Date(2026, 10, 23, 22, 57);

  test('written as the rest of the console writes dates, and read back', () => {
    expect(formatObserved(now)).toBe('23/11/2026 22:57');
    expect(parseObserved('23/11/2026 22:57', now)?.getTime()).toBe(now.getTime());
    expect(parseObserved('1/2/2026 7:05', now)).toEqual(new Date(2026, 1, 1, 7, 5));
    // Arabic-Indic digits, as an Arabic keyboard may type them.
    expect(parseObserved('٢٣/١١/٢٠٢٦ ٢٢:٤٠', now)).toEqual(new Date(2026, 10, 23, 22, 40));
  });

  test.each([
    ['a US date', '11/23/2026 10:57'],
    ['12-hour time', '23/11/2026 10:57 PM'],
    ['no time', '23/11/2026'],
    ['a day that does not exist', '31/02/2026 10:00'],
    ['an hour that does not exist', '23/11/2026 25:00'],
    ['the future', '24/11/2026 09:00'],
    ['text', 'this morning'],
  ])('refuses %s', (_name, text) => {
    expect(parseObserved(text, now)).toBeNull();
  });
});
