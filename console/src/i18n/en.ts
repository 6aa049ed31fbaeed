import type { Messages } from './ar.ts';

export const en: Messages = {
  app: {
    name: 'Tansiq',
    tagline: 'Joint Technical Coordination — Border Security',
    skipToContent: 'Skip to content',
  },
  nav: {
    map: 'Map',
    primary: 'Main navigation',
  },
  locale: {
    switchTo: 'العربية',
    switchLabel: 'Switch the language to Arabic',
  },
  map: {
    title: 'Regional map',
    legend: 'Legend',
    libya: 'Libya',
    neighbours: 'Neighbouring countries',
    other: 'Other countries',
    offline: 'Offline basemap: Natural Earth 1:50m, bundled with the console',
    tiles: 'Basemap: the centre’s tile server',
    ariaLabel: 'Map of Libya and its neighbours',
  },
  countries: {
    LBY: 'Libya',
    EGY: 'Egypt',
    SDN: 'Sudan',
    TCD: 'Chad',
    NER: 'Niger',
    DZA: 'Algeria',
    TUN: 'Tunisia',
  },
  status: {
    version: 'Hub version {version}',
    hubUnreachable: 'The hub cannot be reached',
  },
  notFound: {
    title: 'Page not found',
    back: 'Back to the map',
  },
};
