// Which access levels of a cell may see an object. Computed per marking from the level key alone
// (participantFromLevelKey), cached per marking, and invalidated when a new level joins the cell.
import { canSee, participantFromLevelKey, type Marking } from '../../shared/markings';
import type { ObjectIndex } from '../objects/objectIndex';

export class Audience {
  private levels: string[];
  private readonly byMarking = new Map<Marking, ReadonlySet<string>>();

  constructor(
    private readonly index: ObjectIndex,
    levels: Iterable<string>,
  ) {
    this.levels = [...new Set(levels)];
  }

  knownLevels(): readonly string[] {
    return this.levels;
  }

  /** Adds a level; true when it is new (the caches then start again). */
  addLevel(levelKey: string): boolean {
    if (this.levels.includes(levelKey)) return false;
    this.levels = [...this.levels, levelKey];
    this.byMarking.clear();
    return true;
  }

  /** Levels that may see a marking. Markings are interned by the index, so identity is the key. */
  levelsFor(marking: Marking): ReadonlySet<string> {
    let levels = this.byMarking.get(marking);
    if (!levels) {
      levels = new Set(this.levels.filter((key) => canSee(participantFromLevelKey(key), marking, this.index.policy)));
      this.byMarking.set(marking, levels);
    }
    return levels;
  }

  /** Levels that may see an object: every marking on its chain must allow them. */
  levelsForObject(id: string): Set<string> {
    return this.levelsForChain(this.index.chain(id));
  }

  /** Levels that every marking of a chain (an object's own, then each ancestor's) allows. */
  levelsForChain(chain: readonly Marking[]): Set<string> {
    if (chain.length === 0) return new Set();
    const [first, ...rest] = chain;
    const result = new Set(this.levelsFor(first!));
    for (const marking of rest) {
      const allowed = this.levelsFor(marking);
      for (const level of result) if (!allowed.has(level)) result.delete(level);
    }
    return result;
  }
}
