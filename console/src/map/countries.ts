import type { Messages } from '../i18n/ar.ts';

export type CountryKey = keyof Messages['countries'];

/** Natural Earth / world-atlas ids (ISO 3166-1 numeric) of Libya and its six neighbours. */
export const regionCountries: Record<string, CountryKey> = {
  '434': 'LBY',
  '818': 'EGY',
  '729': 'SDN',
  '148': 'TCD',
  '562': 'NER',
  '012': 'DZA',
  '788': 'TUN',
};

/** Where each name is written on the map: inside the country, clear of the borders. */
export const labelPoints: Record<CountryKey, [number, number]> = {
  LBY: [27.0, 17.5],
  EGY: [26.5, 29.5],
  SDN: [16.0, 30.0],
  TCD: [15.5, 18.8],
  NER: [17.0, 9.5],
  DZA: [28.0, 3.0],
  TUN: [34.2, 9.3],
};

export type CountryRole = 'libya' | 'neighbour' | 'other';

export function countryRole(id: string | number | undefined): CountryRole {
  const key = regionCountries[String(id)];
  if (key === 'LBY') return 'libya';
  return key ? 'neighbour' : 'other';
}

export const countryStyle: Record<CountryRole, { fillColor: string; color: string; weight: number }> = {
  libya: { fillColor: '#f3e3b3', color: '#7a5b12', weight: 2 },
  neighbour: { fillColor: '#e4e8dc', color: '#6d7466', weight: 1 },
  other: { fillColor: '#eef0ea', color: '#9aa096', weight: 0.6 },
};
