import { sectorLines } from './sectors.generated.ts';

export { sectorLines };

export const sectorIds = ['TUN', 'DZA_N', 'DZA_S', 'NER', 'TCD', 'SDN', 'EGY_N', 'EGY_S'] as const;
export type SectorId = (typeof sectorIds)[number];

export interface SectorDefinition {
  id: SectorId;
  nameAr: string;
  nameEn: string;
  /** ISO 3166-1 numeric code of the neighbour across the line (Natural Earth / world-atlas ids). */
  neighbour: string;
  /** The part of that border the sector covers, by latitude. */
  latMin: number;
  latMax: number;
}

/**
 * Border sectors: each land border, the two longest (Algeria, Egypt) cut in two. The lines are
 * Natural Earth 1:50m boundaries (`pnpm --filter @tansiq/scripts gen:border` writes them).
 */
export const sectorDefinitions: readonly SectorDefinition[] = [
  {
    id: 'TUN',
    nameAr: 'الحدود التونسية',
    nameEn: 'Tunisian border',
    neighbour: '788',
    latMin: -90,
    latMax: 90,
  },
  {
    id: 'DZA_N',
    nameAr: 'الحدود الجزائرية — الشمال',
    nameEn: 'Algerian border — north',
    neighbour: '012',
    latMin: 26.5,
    latMax: 90,
  },
  {
    id: 'DZA_S',
    nameAr: 'الحدود الجزائرية — الجنوب',
    nameEn: 'Algerian border — south',
    neighbour: '012',
    latMin: -90,
    latMax: 26.5,
  },
  { id: 'NER', nameAr: 'الحدود النيجرية', nameEn: 'Niger border', neighbour: '562', latMin: -90, latMax: 90 },
  { id: 'TCD', nameAr: 'الحدود التشادية', nameEn: 'Chad border', neighbour: '148', latMin: -90, latMax: 90 },
  {
    id: 'SDN',
    nameAr: 'الحدود السودانية',
    nameEn: 'Sudanese border',
    neighbour: '729',
    latMin: -90,
    latMax: 90,
  },
  {
    id: 'EGY_N',
    nameAr: 'الحدود المصرية — الشمال',
    nameEn: 'Egyptian border — north',
    neighbour: '818',
    latMin: 27.5,
    latMax: 90,
  },
  {
    id: 'EGY_S',
    nameAr: 'الحدود المصرية — الجنوب',
    nameEn: 'Egyptian border — south',
    neighbour: '818',
    latMin: -90,
    latMax: 27.5,
  },
];

export interface Sector extends SectorDefinition {
  /** Polylines of [lat, lng] along the border. */
  lines: [number, number][][];
}

export const sectors: readonly Sector[] = sectorDefinitions.map((d) => ({ ...d, lines: sectorLines[d.id] }));

export function isSectorId(value: unknown): value is SectorId {
  return typeof value === 'string' && (sectorIds as readonly string[]).includes(value);
}

/** Kilometres on an equirectangular projection: good enough at these distances and latitudes. */
function distanceKm(a: [number, number], b: [number, number]): number {
  const k = Math.PI / 180;
  const x = (b[1] - a[1]) * Math.cos(((a[0] + b[0]) / 2) * k);
  const y = b[0] - a[0];
  return Math.hypot(x, y) * k * 6371;
}

function distanceToSegmentKm(p: [number, number], a: [number, number], b: [number, number]): number {
  const dx = b[1] - a[1];
  const dy = b[0] - a[0];
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p[1] - a[1]) * dx + (p[0] - a[0]) * dy) / len));
  return distanceKm(p, [a[0] + t * dy, a[1] + t * dx]);
}

/** How far a point lies from a sector's line, in kilometres. */
export function distanceToSectorKm(sector: Sector, point: { lat: number; lng: number }): number {
  const p: [number, number] = [point.lat, point.lng];
  let best = Infinity;
  for (const line of sector.lines)
    for (let i = 1; i < line.length; i++)
      best = Math.min(best, distanceToSegmentKm(p, line[i - 1]!, line[i]!));
  return best;
}

/** An alert this close to a land border counts against that border's sector. */
export const SECTOR_REACH_KM = 75;

/** The sector a point belongs to: the nearest line within SECTOR_REACH_KM, else none. */
export function sectorForPoint(point: { lat: number; lng: number }): SectorId | null {
  let best: { id: SectorId; km: number } | null = null;
  for (const sector of sectors) {
    const km = distanceToSectorKm(sector, point);
    if (km <= SECTOR_REACH_KM && (!best || km < best.km)) best = { id: sector.id, km };
  }
  return best?.id ?? null;
}
