// tokml 0.4 ships no types; this is the one call Tearline makes.
declare module 'tokml' {
  interface TokmlOptions {
    documentName?: string;
    documentDescription?: string;
    name?: string;
    description?: string;
    simplestyle?: boolean;
    timestamp?: string;
  }
  export default function tokml(geojson: unknown, options?: TokmlOptions): string;
}
