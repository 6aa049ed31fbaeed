import { describe, expect, test } from 'vitest';
import { crossings, sectorForPoint, sectorLines, sectors, distanceToSectorKm } from '@tansiq/shared';
import { borderSectorLines } from '../../scripts/src/gen-border.ts';

describe('border dataset', () => {
  test('the committed sector lines are what the generator cuts from Natural Earth today', () => {
    expect(borderSectorLines()).toEqual(sectorLines);
  });

  test('every sector has a line of several points, and every crossing lies within 20 km of its own sector', () => {
    for (const s of sectors) expect(s.lines.flat().length).toBeGreaterThan(5);
    for (const c of crossings) {
      const own = sectors.find((s) => s.id === c.sector)!;
      expect(distanceToSectorKm(own, c), c.id).toBeLessThan(20);
      expect(sectorForPoint(c), c.id).toBe(c.sector);
      expect(c.nameAr).toMatch(/[\u0600-\u06FF]/);
      expect(c.nameEn).toMatch(/^[A-Z]/);
    }
  });

  test('a point deep inside Libya or out at sea belongs to no sector', () => {
    expect(sectorForPoint({ lat: 27.0, lng: 17.0 })).toBeNull(); // Fezzan, hundreds of km from any border
    expect(sectorForPoint({ lat: 34.5, lng: 15.0 })).toBeNull(); // the Mediterranean
    expect(sectorForPoint({ lat: 20.5, lng: 21.0 })).toBe('TCD');
  });
});
