import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { feature } from 'topojson-client';
import { buildRegionTopology } from '../../console/build/basemap-plugin.ts';
import { regionCountries } from '../../console/src/map/countries.ts';

const require = createRequire(import.meta.url);

describe('offline basemap (Natural Earth via world-atlas, cut at build time)', () => {
  const topology = buildRegionTopology();
  const countries = feature(topology, topology.objects.countries);

  test('holds Libya and all six neighbours, decodable by topojson-client', () => {
    const ids = new Set(countries.features.map((f) => String(f.id)));
    for (const id of Object.keys(regionCountries)) expect(ids, id).toContain(id);
    const libya = countries.features.find((f) => f.id === '434');
    expect(libya?.properties?.name).toBe('Libya');
    expect(libya?.geometry.type).toMatch(/Polygon/);
  });

  test('leaves out what is far away, and is a small fraction of the world file', () => {
    const names = countries.features.map((f) => f.properties?.name);
    expect(names).not.toContain('Russia');
    expect(names).not.toContain('Brazil');
    const consoleDir = { paths: [require.resolve('../../console/package.json')] };
    const world = fs.statSync(require.resolve('world-atlas/countries-50m.json', consoleDir)).size;
    expect(JSON.stringify(topology).length).toBeLessThan(world / 4);
  });

  test('every kept arc is used by a kept country (pruned, not just filtered)', () => {
    const used = new Set<number>();
    const walk = (refs: unknown): void => {
      if (Array.isArray(refs)) refs.forEach(walk);
      else if (typeof refs === 'number') used.add(refs < 0 ? ~refs : refs);
    };
    for (const g of topology.objects.countries.geometries) walk((g as { arcs: unknown }).arcs);
    expect(used.size).toBe(topology.arcs.length);
  });
});
