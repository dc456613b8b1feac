// Undo of one's own map edits (moves, vertex edits, typed positions): a Yjs UndoManager per
// feature doc tracks only transactions made with MAP_EDIT, so what partners did is never undone.
// The map keeps the order in which features were edited, so Ctrl+Z undoes the latest edit
// whichever feature it was on.
import * as Y from 'yjs';
import { fieldsOf } from '../../../shared/content';

export const MAP_EDIT = Symbol('map-edit');

export class MapUndo {
  private readonly managers = new WeakMap<Y.Doc, Y.UndoManager>();
  private readonly done: string[] = [];
  private readonly undone: string[] = [];

  private manager(doc: Y.Doc): Y.UndoManager {
    let manager = this.managers.get(doc);
    if (!manager) {
      // captureTimeout 0: every move is its own step, never merged with the one before.
      manager = new Y.UndoManager(fieldsOf(doc), { trackedOrigins: new Set([MAP_EDIT]), captureTimeout: 0 });
      this.managers.set(doc, manager);
    }
    return manager;
  }

  edit(id: string, doc: Y.Doc, change: (fields: Y.Map<unknown>) => void): void {
    this.manager(doc);
    doc.transact(() => change(fieldsOf(doc)), MAP_EDIT);
    this.done.push(id);
    this.undone.length = 0;
  }

  /** Undoes the latest own edit still undoable; the feature's id, or null when none is left. */
  undo(docOf: (id: string) => Y.Doc | undefined): string | null {
    return this.step(this.done, this.undone, docOf, (m) => m.undo());
  }

  redo(docOf: (id: string) => Y.Doc | undefined): string | null {
    return this.step(this.undone, this.done, docOf, (m) => m.redo());
  }

  private step(from: string[], to: string[], docOf: (id: string) => Y.Doc | undefined, act: (m: Y.UndoManager) => unknown): string | null {
    while (from.length > 0) {
      const id = from.pop()!;
      const doc = docOf(id);
      const manager = doc && this.managers.get(doc);
      // A feature that went away (or moved to a new epoch) has nothing left to undo here.
      if (!manager || act(manager) === null) continue;
      to.push(id);
      return id;
    }
    return null;
  }
}
