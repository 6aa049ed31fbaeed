/// <reference types="vite/client" />

declare module 'virtual:tansiq-basemap' {
  import type { GeometryCollection, Topology } from 'topojson-specification';
  /** Natural Earth 1:50m countries of the region, as TopoJSON (built by build/basemap-plugin.ts). */
  const basemap: Topology<{ countries: GeometryCollection<{ name: string }> }>;
  export default basemap;
}
