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

export interface TargetSession {
  /** Writer number `writer`, at `level`, creating and then editing its own object. */
  connectWriter(level: Level, writer: number, marking: string, onFrame: FrameHandler): Promise<Writer>;
  /** A light receiver: subscribed to the whole cell, decoding nothing. */
  connectReceiver(level: Level, onFrame: FrameHandler): Promise<Receiver>;
  /** Loads the cold-open cell into the server; the seeding client stays connected until `close`. */
  seed(objects: readonly SeedObject[]): Promise<void>;
  /** A new full client at `level` syncing the whole cell into Y.Docs; answers how many objects it got. */
  coldOpen(level: Level): Promise<number>;
  close(): void;
}

export interface Target {
  name: ServerName;
  /** Unfiltered servers send every object to everyone; the workloads are planned accordingly. */
  filters: boolean;
  open(server: ServerProcess): Promise<TargetSession>;
}
