// The offline basemap: Natural Earth 1:110m countries from world-atlas, bundled by Vite (no tile
// server is reachable from a cell).
import type { FeatureCollection, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';

const topology = countries110m as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

export const LAND: FeatureCollection = feature(topology, topology.objects.land) as FeatureCollection;
export const BORDERS: MultiLineString = mesh(topology, topology.objects.countries, (a, b) => a !== b);
