import { createRequire } from 'node:module';
import fs from 'node:fs';
import type { Plugin } from 'vite';
import { feature } from 'topojson-client';
import type { Position } from 'geojson';
import type { GeometryCollection, GeometryObject, Topology } from 'topojson-specification';

/** The region the console draws: countries whose extent is centred in this box. */
export const REGION_BBOX = { west: -10, south: 0, east: 48, north: 44 } as const;

const VIRTUAL_ID = 'virtual:tansiq-basemap';
const RESOLVED_ID = '\0' + VIRTUAL_ID;

type Countries = GeometryCollection<{ name: string }>;
type WorldTopology = Topology<{ countries: Countries }>;
type ArcRefs = number[] | number[][] | number[][][];

function extent(world: WorldTopology, geometry: GeometryObject): [number, number, number, number] {
  const decoded = feature(world, geometry);
  if (!('geometry' in decoded)) return [0, 0, 0, 0];
  const shape = decoded.geometry;
  const points: Position[] =
    shape.type === 'Polygon'
      ? shape.coordinates.flat()
      : shape.type === 'MultiPolygon'
        ? shape.coordinates.flat(2)
        : [];
  const lngs = points.map((p) => p[0]!);
  const lats = points.map((p) => p[1]!);
  return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
}

function centredInRegion(world: WorldTopology, geometry: GeometryObject): boolean {
  const [west, south, east, north] = extent(world, geometry);
  const lng = (west + east) / 2;
  const lat = (south + north) / 2;
  return (
    lng >= REGION_BBOX.west && lng <= REGION_BBOX.east && lat >= REGION_BBOX.south && lat <= REGION_BBOX.north
  );
}

function mapArcs(refs: ArcRefs, remap: (index: number) => number): ArcRefs {
  return (refs as unknown[]).map((r) =>
    Array.isArray(r) ? mapArcs(r as ArcRefs, remap) : remap(r as number),
  ) as ArcRefs;
}

/**
 * Cuts Natural Earth 1:50m countries (world-atlas TopoJSON) down to the region at build time and
 * drops the arcs no kept country uses; the console decodes it with topojson-client. The result
 * is a small fraction of the world file and nothing is fetched at run time.
 */
export function buildRegionTopology(): WorldTopology {
  const require = createRequire(import.meta.url);
  const file = require.resolve('world-atlas/countries-50m.json');
  const world = JSON.parse(fs.readFileSync(file, 'utf8')) as WorldTopology;
  const kept = world.objects.countries.geometries.filter(
    (g) => (g.type === 'Polygon' || g.type === 'MultiPolygon') && centredInRegion(world, g),
  );
  const newIndex = new Map<number, number>();
  const arcs: typeof world.arcs = [];
  const remap = (ref: number) => {
    const index = ref < 0 ? ~ref : ref;
    let next = newIndex.get(index);
    if (next === undefined) {
      next = arcs.length;
      newIndex.set(index, next);
      arcs.push(world.arcs[index]!);
    }
    return ref < 0 ? ~next : next;
  };
  const geometries = kept.map(
    (g) => ({ ...g, arcs: mapArcs((g as { arcs: ArcRefs }).arcs, remap) }) as GeometryObject,
  );
  return {
    type: 'Topology',
    ...(world.transform ? { transform: world.transform } : {}),
    arcs,
    objects: { countries: { type: 'GeometryCollection', geometries } as Countries },
  } as WorldTopology;
}

export function basemapPlugin(): Plugin {
  return {
    name: 'tansiq-basemap',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      return `export default ${JSON.stringify(buildRegionTopology())};`;
    },
  };
}
