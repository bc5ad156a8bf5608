/**
 * Which version of each sealed record is the current one (docs/storage-lock.md, "Old
 * records put back"). Every write batch gets the next generation number; each sealed
 * record carries the generation it was written in, and this index holds, per disk name, the
 * generation of its last write (negative: deleted then). A record read back with an older
 * generation than the index expects was put back from an earlier copy of the store.
 *
 * On disk the index is a root (`~v`: the current generation and each shard's) and sixteen
 * shards (`~v.0` … `~v.f`), sealed like every record; a batch rewrites the root and the
 * shards it touched, in the same transaction as its records. A shard that does not match
 * the root was put back too. What no index can tell: the whole store put back at once.
 */

export const VERSIONS_ROOT = '~v';
const SHARDS = 16;
const SHARD_NAME = /^~v\.[0-9a-f]$/;

export function isVersionsName(name: string): boolean {
  return name === VERSIONS_ROOT || SHARD_NAME.test(name);
}

export interface VersionsRoot {
  w: number;
  /** Per shard: the generation of its last write (0: never written). */
  s: number[];
}

export interface VersionsShard {
  w: number;
  /** Disk name → generation of its last write, negative if that write deleted it. */
  m: Record<string, number>;
}

/** What a distrusted record is expected to be newer than: no record is. */
const DISTRUSTED = Number.MAX_SAFE_INTEGER;
const shardOf = (disk: string): number => disk.charCodeAt(disk.length - 1) % SHARDS;
const shardName = (n: number): string => `~v.${n.toString(16)}`;

export class RecordVersions {
  #w: number;
  readonly #shards: number[];
  /** Per shard: disk name → generation (so a write rebuilds only the shards it touched). */
  readonly #of = Array.from({ length: SHARDS }, () => new Map<string, number>());

  private constructor(w: number, shards: number[]) {
    this.#w = w;
    this.#shards = shards;
  }

  /** An empty index: a new store, or one sealed before there was an index (its records count as generation 0). */
  static fresh(): RecordVersions {
    return new RecordVersions(0, new Array<number>(SHARDS).fill(0));
  }

  /**
   * The index as stored. `shards[n]` is shard n's value (undefined if absent or unreadable).
   * Returns the shards that do not match the root (put back together with their records,
   * or altered): every record such a shard lists is distrusted until it is written again.
   */
  static load(root: VersionsRoot, shards: (VersionsShard | undefined)[]): { versions: RecordVersions; stale: number[] } {
    const counts = Array.from({ length: SHARDS }, (_, n) => (Number.isSafeInteger(root.s?.[n]) ? root.s[n]! : 0));
    // Generations only go up, even past a root that was put back.
    const seen = [root.w, ...counts, ...shards.map((shard) => shard?.w)].filter((w): w is number => Number.isSafeInteger(w));
    const versions = new RecordVersions(Math.max(0, ...seen), counts);
    const stale: number[] = [];
    for (let n = 0; n < SHARDS; n++) {
      const shard = shards[n];
      const trusted = (shard?.w ?? 0) === counts[n];
      if (!trusted) stale.push(n);
      for (const [disk, w] of Object.entries(shard?.m ?? {})) if (Number.isSafeInteger(w)) versions.#of[n]!.set(disk, trusted ? w : DISTRUSTED);
    }
    return { versions, stale };
  }

  static names(): string[] {
    return [VERSIONS_ROOT, ...Array.from({ length: SHARDS }, (_, n) => shardName(n))];
  }

  /**
   * Whether a record read back at `disk` with generation `w` is older than the one last
   * written there. `expected` is `expectation(disk)` taken before the read, so a write that
   * lands meanwhile only makes the record newer, never a false alarm.
   */
  static isOld(expected: number | undefined, w: number): boolean {
    return expected !== undefined && w < Math.abs(expected);
  }

  expectation(disk: string): number | undefined {
    return this.#of[shardOf(disk)]!.get(disk);
  }

  /** The generation the next batch is written in. */
  get next(): number {
    return this.#w + 1;
  }

  /**
   * The index records a batch at generation `next` writes beside its records (every disk
   * name put or deleted), and `commit`, to call once that write is durable.
   */
  stage(put: string[], deleted: string[]): { records: [string, VersionsRoot | VersionsShard][]; commit: () => void } {
    const w = this.next;
    const changes = new Map<string, number>();
    for (const disk of deleted) changes.set(disk, -w);
    for (const disk of put) changes.set(disk, w);
    const touched = new Set([...changes.keys()].map(shardOf));
    const counts = this.#shards.map((c, n) => (touched.has(n) ? w : c));
    const records: [string, VersionsRoot | VersionsShard][] = [[VERSIONS_ROOT, { w, s: counts }]];
    for (const n of touched) {
      const m: Record<string, number> = Object.fromEntries(this.#of[n]!);
      for (const [disk, v] of changes) if (shardOf(disk) === n) m[disk] = v;
      records.push([shardName(n), { w, m }]);
    }
    return {
      records,
      commit: () => {
        this.#w = w;
        for (const n of touched) this.#shards[n] = w;
        for (const [disk, v] of changes) this.#of[shardOf(disk)]!.set(disk, v);
      },
    };
  }
}
