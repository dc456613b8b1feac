// What the scenarios need from each benchmarked server's client side. One implementation per
// protocol: Tearline (socket.io), and the two y-protocols baselines.
import type { Level } from '../levels';
import type { ServerProcess, ServerName } from '../servers/spawn';
import type { FrameHandler } from '../wire/frames';

export interface Receiver {
  /** TCP bytes received so far, WebSocket framing included. */
  bytesRead(): number;
  close(): void;
}

export interface Writer {
  /** Appends `text` to the writer's object and sends the update. */
  edit(text: string): void;
  close(): void;
}

/** One object of the cold-open cell. */
export interface SeedObject {
  kind: 'feature' | 'report' | 'event' | 'rfi' | 'note';
  marking: string;
  fields: Record<string, unknown>;
  body: string;
}

/** What a cold open got. */
export interface ColdOpened {
  /** Objects applied into Y.Docs. */
  objects: number;
  /**
   * When (performance.now()) the client held every object the way its web client keeps them. For
   * Tearline, bytes per object, before the docs are built; for a one-doc server, the doc applied.
   */
  held: number;
  /** When every object was applied into a Y.Doc (the socket still open, nothing destroyed yet). */
  built: number;
}

export interface TargetSession {
  /** Writer number `writer`, at `level`, creating and then editing its own object. */
  connectWriter(level: Level, writer: number, marking: string, onFrame: FrameHandler): Promise<Writer>;
  /** A light receiver: subscribed to the whole cell, decoding nothing. */
  connectReceiver(level: Level, onFrame: FrameHandler): Promise<Receiver>;
  /** Loads the cold-open cell into the server; the seeding client stays connected until `close`. */
  seed(objects: readonly SeedObject[]): Promise<void>;
  /** A new full client at `level` syncing the whole cell into Y.Docs; settles once every object is applied into one. */
  coldOpen(level: Level): Promise<ColdOpened>;
  close(): void;
}

export interface Target {
  name: ServerName;
  /** Unfiltered servers send every object to everyone; the workloads are planned accordingly. */
  filters: boolean;
  open(server: ServerProcess): Promise<TargetSession>;
}
