/**
 * A parsed security marking: plain, JSON-serialisable data. Treat it as immutable: derived data
 * (the expanded audience) is cached per object identity.
 */
export interface Marking {
  /** Policy level code: 'U' | 'C' | 'S' | 'TS' in the default policy. */
  classification: string;
  /** SCI compartments, sorted and deduplicated, e.g. ['SI', 'TK']. */
  compartments: string[];
  noforn: boolean;
  /** Nations and groups as written (groups not expanded), deduplicated, in canonical order. */
  relTo: string[];
  relido: boolean;
  orcon: boolean;
  /** Nations and groups that may see but never receive a copy, in canonical order. */
  displayOnly: string[];
  /** Nation trigraph of the originator; absent means the policy's lead nation (USA). Not part of the text form. */
  originator?: string;
}

export interface Participant {
  /** Nation trigraph, e.g. 'GBR'. */
  nation: string;
  /** Level name or code in any case: 'TOP SECRET', 'TS', 'secret'. */
  clearance: string;
  compartments: string[];
}
