import type { SectorId } from './sectors.ts';

export interface Crossing {
  id: string;
  nameAr: string;
  nameEn: string;
  lat: number;
  lng: number;
  /** The border sector the crossing lies on. */
  sector: SectorId;
  /** True where the position is an estimate (a few kilometres), not a surveyed point. */
  approximate: boolean;
}

/**
 * Libya's main land border crossings. Positions are estimates from public maps, good to a few
 * kilometres: every entry is marked approximate and the console says so. The Chad border has no
 * recognised crossing point; its traffic is tracked by sector.
 */
export const crossings: readonly Crossing[] = [
  {
    id: 'RAS_AJDIR',
    nameAr: 'رأس اجدير',
    nameEn: 'Ras Ajdir',
    lat: 33.153,
    lng: 11.561,
    sector: 'TUN',
    approximate: true,
  },
  {
    id: 'WAZIN',
    nameAr: 'وازن – الذهيبة',
    nameEn: 'Wazin – Dehiba',
    lat: 31.975,
    lng: 10.705,
    sector: 'TUN',
    approximate: true,
  },
  {
    id: 'GHADAMES',
    nameAr: 'غدامس – الدبداب',
    nameEn: 'Ghadames – Debdeb',
    lat: 30.1,
    lng: 9.53,
    sector: 'DZA_N',
    approximate: true,
  },
  {
    id: 'GHAT',
    nameAr: 'غات – تين الكوم',
    nameEn: 'Ghat – Tin Alkoum',
    lat: 24.75,
    lng: 10.2,
    sector: 'DZA_S',
    approximate: true,
  },
  {
    id: 'TUMMO',
    nameAr: 'التوم',
    nameEn: 'Tummo',
    lat: 22.9,
    lng: 14.1,
    sector: 'NER',
    approximate: true,
  },
  {
    id: 'UWEINAT',
    nameAr: 'العوينات',
    nameEn: 'Al Uwaynat',
    lat: 21.99,
    lng: 24.97,
    sector: 'SDN',
    approximate: true,
  },
  {
    id: 'JAGHBUB',
    nameAr: 'الجغبوب',
    nameEn: 'Al Jaghbub',
    lat: 29.74,
    lng: 24.98,
    sector: 'EGY_N',
    approximate: true,
  },
  {
    id: 'EMSAED',
    nameAr: 'امساعد',
    nameEn: 'Emsaed',
    lat: 31.585,
    lng: 25.05,
    sector: 'EGY_N',
    approximate: true,
  },
];

export function crossingById(id: string): Crossing | undefined {
  return crossings.find((c) => c.id === id);
}
