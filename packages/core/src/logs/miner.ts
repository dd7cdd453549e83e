/**
 * Online log template miner. Two stages, both deterministic:
 *
 * 1. Every message is tokenised and masked (see masking.ts). Identical masked token sequences ("shapes")
 *    are counted in a hash map: the common case costs one lookup, and an exact repeat of a recent raw
 *    message skips masking too.
 * 2. A new shape joins the most similar group of the same length and first token (a fixed-depth prefix
 *    tree in the spirit of Drain) when enough positions agree; positions that differ become variables.
 *    A shape whose first word is new joins a group of another first word when every other constant word
 *    agrees and there are at least six of them (`com.apple.X: scheduler ... Ignoring.`).
 *    Variability is also decided from the messages: when a new group and `siblings` others of its length
 *    differ at one and the same word position (positions where one of them already has a variable agree),
 *    that position is a variable and they become one group with every group made earlier that differs from
 *    it only at its variables (stack frames, program names); a shape joins a group whose only differences
 *    from it are the group's variables, in preference to a partial match of its own first word;
 *    a new group whose words equal another's and whose variables span different numbers of tokens (a size
 *    printed with its unit, a list of values of any length) takes that group's template.
 *
 * When the templates are read (`clusters()`, `resolve()`), each group is finalised, splitting it where the
 * differences are part of the event rather than data in it: different structure when a position holds at
 * most two structural forms (`LOGIN(uid=<*>)` vs `(uid=<*>)`, `rhost=` vs `rhost=<*>`; more forms are data, as
 * pod names with random suffixes; any value of `key=value` is data), code constants (RUNNING,
 * FAIL_TASK_CLEANUP), word positions that vary together, and a position whose few distinct words each recur
 * (a state, but not units of one kind such as `KB` and `MB`, which go with a value), unless that position
 * already varied freely in the enclosing group (user names). The cluster id is a hash of the final
 * template text, so it is the same in every run and on both sides of a comparison, however the template
 * was generalised on the way. Last, final templates with the same words that differ only in variables and
 * units (an optional `(<*> KB)`, a first word that another template's variable fits) take one id: the one of
 * them with the most messages (see `variantsOf`); then templates equal but for one value printed as a different
 * number of tokens (a bracketed value, a JSON object with more fields, `null` for an object) take one id the
 * same way (see `spanVariants`).
 */
import { templateId } from './hash.ts';
import { createMaskedKeyScanner } from './keyScanner.ts';
import { WILDCARD } from './masking.ts';
import { collapseRepeats, isLengthVariant, unitKind, wordsOf } from './produce.ts';

/** Settings of the miner. The defaults are the one configuration used for every log source. */
export interface TemplateMinerOptions {
  /** A new shape joins a group when more than this share (0..1) of positions agree. Default 0.5. */
  similarity?: number;
  /**
   * A varying position with at most this many distinct words, each seen at least `enumMinCount` times,
   * splits its group into one template per word instead of becoming a variable. Default 4.
   */
  enumMax?: number;
  /** See `enumMax`. Default 2. */
  enumMinCount?: number;
  /**
   * When a new group and at least this many others of its length differ only at one and the same word
   * position, that position is a variable and they become one group. Default 8.
   */
  siblings?: number;
  /**
   * A message joins a group with another first word (a source name: `com.apple.X: scheduler ...`) only when at
   * least this many other constant words agree and none disagrees: fewer would merge short sibling events
   * (`DMA zone: ...`, `Normal zone: ...`). Default 6.
   */
  firstWordMinConstants?: number;
  /** Cap on groups kept in memory; the least recently seen are evicted beyond it. Default 10,000. */
  maxClusters?: number;
  /** Cap on distinct shapes kept per group (older ones are forgotten, the group stays). Default 100. */
  maxShapesPerCluster?: number;
  /**
   * Called when a shape leaves the miner's memory (forgotten from its group, or its group evicted), with a
   * compact stand-in that `resolve` turns into the same final template. A caller that keeps shapes until the
   * end of its input (`vigil logs parse`) swaps the shape for the stand-in, so that the shape's tokens and its
   * group can be reclaimed: memory then stays bounded however many distinct shapes the input has.
   */
  onRelease?: (shape: ShapeRef, standIn: ShapeRef) => void;
}

/** A template mined so far. */
export interface MinedCluster {
  /** Stable id: a hash of `template`. */
  clusterId: string;
  /** Template text, variables as `<*>`, tokens separated by one space. */
  template: string;
  /** Messages assigned to it (since its group was created, while it was in memory). */
  count: number;
}

/** Where one message landed. */
export interface TemplateMatch {
  clusterId: string;
  template: string;
}

/** Opaque handle of a message's shape; resolve it after the input to get the final template. */
export interface ShapeRef {
  readonly key: string;
}

/**
 * What a released shape resolves to. While `group` is set, the template its forgotten shapes take at the
 * end (see `resolve`); once that group is evicted, its final template (`match`) and the alias to prefer.
 */
interface StandIn extends ShapeRef {
  readonly standIn: true;
  group: Group | null;
  alias: Group | null;
  match: TemplateMatch | null;
}

interface Shape extends ShapeRef {
  /** Hash of `key` (see keyScanner.ts), and the next shape with the same hash. */
  hash: number;
  nextSameHash: Shape | null;
  tokens: string[];
  /** False once evicted or forgotten: a cached reference to it must be placed again. */
  alive: boolean;
  count: number;
  firstSeen: number;
  lastSeen: number;
  group: Group;
  /** Final template, valid while `matchVersion` equals the group's `finalVersion`. */
  match: TemplateMatch | null;
  matchVersion: number;
}

interface Group {
  bucket: string;
  tokens: string[];
  shapes: Shape[];
  count: number;
  lastSeen: number;
  /** Bumped on every change; the final templates are cached per version. */
  version: number;
  /** The version whose final templates the shapes' `match` hold. */
  finalVersion: number;
  current: TemplateMatch | null;
  /** The final template of every shape when the group did not split, else null (valid with `finalVersion`). */
  whole: TemplateMatch | null;
  /**
   * A group of another length whose event this one is (see `lengthVariant`): its messages take that group's
   * template while it is whole and in memory.
   */
  alias: Group | null;
  /** False once evicted or absorbed. */
  live: boolean;
  /** The stand-in of the shapes forgotten from this group (see `onRelease`), made on the first one. */
  standIn: StandIn | null;
}

/** The online template miner. */
export interface TemplateMiner {
  /** Adds a message; returns its cluster as it stands now (ids may change while templates generalise). */
  add(message: string): TemplateMatch;
  /** Adds a message and returns its shape, to `resolve` once the input is complete. */
  addShape(message: string): ShapeRef;
  /** The final cluster of a shape returned by `addShape`. */
  resolve(shape: ShapeRef): TemplateMatch;
  /** A shape's stand-in once it has been released (see `onRelease`), else the shape itself. */
  current(shape: ShapeRef): ShapeRef;
  /** Every cluster in memory, with its final template and count, ordered by first appearance. */
  clusters(): MinedCluster[];
  /** Number of groups and shapes in memory. */
  size(): { clusters: number; shapes: number };
}

const DEFAULTS: Required<Omit<TemplateMinerOptions, 'onRelease'>> = {
  similarity: 0.5,
  enumMax: 4,
  enumMinCount: 2,
  siblings: 8,
  firstWordMinConstants: 6,
  maxClusters: 10_000,
  maxShapesPerCluster: 100,
};

// How many tokens more or fewer a length variant of a group may have (a value printed with a unit, a list
// of one to a few values).
const LENGTH_VARIANT_SPAN = 3;

const RECENT_MESSAGES = 4096;
const RECENT_WINDOW = 256;

/** Creates an online template miner with the default (or given) settings. */
export function createTemplateMiner(options: TemplateMinerOptions = {}): TemplateMiner {
  const o = { ...DEFAULTS, ...options };
  const onRelease = options.onRelease;
  // Shapes by the hash of their key, chained on collisions.
  const shapes = new Map<number, Shape>();
  let shapeCount = 0;
  const scanner = createMaskedKeyScanner();
  // Exact repeats of a raw message (about half of all lines in the Loghub samples) skip masking.
  const recent = new Map<string, Shape>();
  let recentHits = 0;
  let recentLookups = 0;
  // Lines left before the cache is tried again, after a window in which it hardly ever hit (every line
  // unique, as when each carries a block id or a timestamp): then it would only cost a hash and an insert.
  let recentPause = 0;
  const buckets = new Map<string, Group[]>();
  // Every group by message length, for shapes whose first word is itself a variable (see `place`).
  const byLength = new Map<number, Group[]>();
  let groupCount = 0;
  let tick = 0;
  // Groups with a variable by their words, for `lengthVariant`.
  const byWords = new Map<string, Group[]>();

  function bucketOf(tokens: string[]): string {
    const first = tokens[0] ?? '';
    return `${tokens.length} ${first.includes(WILDCARD) ? WILDCARD : first}`;
  }

  // Share of the shape's constant tokens (at `constants`, see `constantPositions`) that the group has at the
  // same position. Masked values agree with every masked value, so they are no evidence that two messages
  // are the same event.
  function similarity(g: Group, tokens: string[], constants: number[]): number {
    if (constants.length === 0) return 1;
    const gt = g.tokens;
    let same = 0;
    for (let k = 0; k < constants.length; k++) {
      const i = constants[k]!;
      if (gt[i] === tokens[i] || keyValueOf(gt[i]!, tokens[i]!)) same++;
    }
    return same / constants.length;
  }

  // A message whose first word names its source (`com.apple.X: scheduler ... Ignoring.`) lands in a bucket
  // of its own. It joins a group of another bucket when every other constant word agrees and there are
  // enough of them to make a chance match unlikely.
  function firstWordVariant(tokens: string[], constants: number[]): Group | null {
    const list = byLength.get(tokens.length);
    if (!list) return null;
    const from = constants.length > 0 && constants[0] === 0 ? 1 : 0;
    const count = constants.length - from;
    if (count < o.firstWordMinConstants) return null;
    // The first group (in creation order) whose words all agree.
    for (const g of list) {
      const gt = g.tokens;
      if (gt[0] === tokens[0]) continue;
      let k = from;
      while (k < constants.length && gt[constants[k]!] === tokens[constants[k]!]) k++;
      if (k === constants.length) return g;
    }
    return null;
  }

  // A group of the same length that differs from the shape only where the group already has a variable
  // (`at <*>` for `at com.x.Y.z(Y.java:<*>)`), sharing at least one constant word with it.
  function openSlot(tokens: string[], constants: number[]): Group | null {
    const list = byLength.get(tokens.length);
    if (!list || constants.length === 0) return null;
    for (const g of list) {
      const gt = g.tokens;
      let same = 0;
      let i = 0;
      for (; i < tokens.length; i++) {
        const t = gt[i]!;
        if (t === tokens[i] || keyValueOf(t, tokens[i]!)) {
          if (!isBare(t)) same++;
        } else if (t !== WILDCARD) break;
      }
      if (i === tokens.length && same > 0) return g;
    }
    return null;
  }

  // Variability decided from the messages: when a new group and at least `siblings` others of its length differ
  // only at one and the same position, and agree on at least one constant word elsewhere, that position is a
  // variable with more values than a state has (stack frames, program or user names in the first word): they
  // become one group. Fewer siblings stay apart (`usbcore: registered new driver usbfs` / `hub`).
  function mergeSiblings(g: Group, constants: number[]): Group {
    const n = g.tokens.length;
    const list = byLength.get(n)!;
    if (n < 2 || constants.length < 2 || list.length <= o.siblings) return g;
    const gt = g.tokens;
    let byPosition: Map<number, Group[]> | null = null;
    for (const h of list) {
      if (h === g) continue;
      const ht = h.tokens;
      let diff = -1;
      let i = 0;
      let same = 0;
      let open = 0;
      for (; i < n; i++) {
        const a = ht[i]!;
        if (a === gt[i]) {
          if (a !== WILDCARD) same++;
          continue;
        }
        // Where one already holds a variable the two agree: a sibling generalised since it was made
        // (`chrome.exe ... proxy <*> <*>` after HTTPS and SOCKS5 met) is still a sibling, when more words
        // agree than were let through so (`<*> startup succeeded` is no sibling of `cupsd shutdown succeeded`).
        if (a === WILDCARD || gt[i] === WILDCARD) {
          open++;
          continue;
        }
        if (diff >= 0) break;
        diff = i;
      }
      if (i < n || diff < 0 || isBare(gt[diff]!) || (open > 0 && same < open + 2)) continue;
      byPosition ??= new Map();
      const sibs = byPosition.get(diff);
      if (sibs) sibs.push(h);
      else byPosition.set(diff, [h]);
    }
    if (!byPosition) return g;
    for (const [p, sibs] of byPosition) {
      if (sibs.length < o.siblings) continue;
      // Another constant must agree: a message of one word and a value is not evidence enough.
      if (!constants.some((c) => c !== p)) continue;
      const into = sibs[0]!;
      const it = into.tokens;
      const absorbed = new Set<Group>([g, ...sibs.slice(1)]);
      for (const h of absorbed) for (let i = 0; i < n; i++) if (h.tokens[i] !== it[i]) it[i] = WILDCARD;
      // Groups made before the position was known to vary, that differ from the merged one only where it now
      // has variables, are the same event (the first word of a program name seen before its siblings).
      let variables = 0;
      for (const t of it) if (t === WILDCARD) variables++;
      for (const h of variables * 2 < n ? list : []) {
        if (h === into || absorbed.has(h)) continue;
        const ht = h.tokens;
        let i = 0;
        while (i < n && (ht[i] === it[i] || it[i] === WILDCARD)) i++;
        if (i === n) absorbed.add(h);
      }
      for (const h of absorbed) {
        for (const s of h.shapes) {
          s.group = into;
          into.shapes.push(s);
        }
        into.count += h.count;
        into.lastSeen = Math.max(into.lastSeen, h.lastSeen);
      }
      into.version++;
      into.current = null;
      removeGroups(absorbed);
      for (const h of absorbed) retire(h, false);
      if (into.shapes.length > o.maxShapesPerCluster) forgetShapes(into);
      return into;
    }
    return g;
  }

  // A group of another length (up to LENGTH_VARIANT_SPAN tokens more or fewer) whose words are all equal to
  // these and whose variables differ only in how many tokens they span (see `isLengthVariant`).
  // Groups are indexed by their words (`wordsOf`) when created; a group generalised since then is missed.
  function lengthVariant(g: Group): Group | null {
    const tokens = g.tokens;
    if (!tokens.some((t) => t.includes(WILDCARD))) return null;
    const words = wordsOf(tokens);
    let list = byWords.get(words);
    if (!list) {
      list = [];
      byWords.set(words, list);
    }
    const n = tokens.length;
    const collapsed = collapseRepeats(tokens).length;
    let found: Group | null = null;
    let live = 0;
    for (const h of list) {
      if (!h.live) continue;
      list[live++] = h;
      const m = h.tokens.length;
      if (found || h.alias || m === n) continue;
      // A list of values may be any length; other variants differ by a few tokens.
      if (Math.abs(m - n) > LENGTH_VARIANT_SPAN && collapseRepeats(h.tokens).length === m && collapsed === n)
        continue;
      if (isLengthVariant(h.tokens, tokens)) found = h;
    }
    list.length = live;
    list.push(g);
    return found;
  }

  function removeGroups(drop: Set<Group>): void {
    for (const g of drop) {
      g.live = false;
      const list = buckets.get(g.bucket);
      if (list) {
        const kept = list.filter((x) => x !== g);
        if (kept.length === 0) buckets.delete(g.bucket);
        else buckets.set(g.bucket, kept);
      }
      const n = g.tokens.length;
      const same = byLength.get(n);
      if (same) {
        const kept = same.filter((x) => x !== g);
        if (kept.length === 0) byLength.delete(n);
        else byLength.set(n, kept);
      }
    }
    groupCount -= drop.size;
  }

  function place(tokens: string[], key: string, hash: number): Shape {
    const bucket = bucketOf(tokens);
    let list = buckets.get(bucket);
    if (!list) {
      list = [];
      buckets.set(bucket, list);
    }
    const constants = constantPositions(tokens);
    let best: Group | null = null;
    let bestSim = -1;
    for (const g of list) {
      const s = similarity(g, tokens, constants);
      if (s > bestSim) {
        bestSim = s;
        best = g;
      }
    }
    if (!(best && bestSim >= 1)) {
      // A group that differs from the shape only where it already has variables is a better fit than a
      // partial match of the same first word (a program name that became a variable in another group).
      const slot = openSlot(tokens, constants);
      if (slot) {
        best = slot;
        bestSim = 1;
      }
    }
    if (!(best && bestSim > o.similarity)) {
      const other = firstWordVariant(tokens, constants);
      if (other) {
        best = other;
        bestSim = 1;
      }
    }
    let group: Group;
    if (best && bestSim > o.similarity) {
      group = best;
      for (let i = 0; i < tokens.length; i++) if (group.tokens[i] !== tokens[i]) group.tokens[i] = WILDCARD;
    } else {
      group = {
        bucket,
        tokens: tokens.slice(),
        shapes: [],
        count: 0,
        // Seen now: eviction below must not take the group it is making room for.
        lastSeen: tick + 1,
        version: 0,
        finalVersion: -1,
        current: null,
        whole: null,
        alias: null,
        live: true,
        standIn: null,
      };
      list.push(group);
      const same = byLength.get(tokens.length);
      if (same) same.push(group);
      else byLength.set(tokens.length, [group]);
      groupCount++;
      group = mergeSiblings(group, constants);
      if (group.shapes.length === 0) group.alias = lengthVariant(group);
      if (groupCount > o.maxClusters) evictGroups();
    }
    const shape: Shape = {
      key,
      hash,
      nextSameHash: null,
      tokens,
      alive: true,
      count: 0,
      firstSeen: tick + 1,
      lastSeen: 0,
      group,
      match: null,
      matchVersion: -1,
    };
    group.shapes.push(shape);
    group.version++;
    group.current = null;
    if (group.shapes.length > o.maxShapesPerCluster) forgetShapes(group);
    // Indexed even when just forgotten (it was the least recent): its messages then take the group's template.
    shape.nextSameHash = shapes.get(hash) ?? null;
    shapes.set(hash, shape);
    shapeCount++;
    return shape;
  }

  // Least recently seen groups go first; evicting a tenth at a time keeps the cost amortised.
  function evictGroups(): void {
    const all: Group[] = [];
    for (const list of buckets.values()) all.push(...list);
    all.sort((a, b) => a.lastSeen - b.lastSeen);
    const drop = new Set(all.slice(0, Math.max(1, Math.ceil(o.maxClusters / 10))));
    for (const [bucket, list] of buckets) {
      const kept = list.filter((g) => !drop.has(g));
      if (kept.length === 0) buckets.delete(bucket);
      else buckets.set(bucket, kept);
    }
    for (const [length, list] of byLength) {
      const kept = list.filter((g) => !drop.has(g));
      if (kept.length === 0) byLength.delete(length);
      else byLength.set(length, kept);
    }
    for (const g of drop) {
      g.live = false;
      retire(g, true);
    }
    groupCount -= drop.size;
  }

  function forgetShapes(group: Group): void {
    const sorted = group.shapes.slice().sort((a, b) => b.lastSeen - a.lastSeen);
    const kept = new Set(sorted.slice(0, Math.ceil(o.maxShapesPerCluster / 2)));
    for (const s of group.shapes) if (!kept.has(s)) release(s, group);
    group.shapes = group.shapes.filter((s) => kept.has(s));
  }

  // A group evicted or absorbed can no longer change: its final templates are fixed now, so its shapes (and
  // their tokens) need not be kept for them, only the template of each and the alias, which may still be live.
  // Evicted, its shapes are forgotten too; absorbed, they live on in the group that absorbed them.
  function retire(g: Group, evicted: boolean): void {
    if (g.shapes.length === 0) return;
    finalise(g);
    if (evicted) {
      const standIns = new Map<TemplateMatch, StandIn>();
      for (const s of g.shapes) {
        forget(s);
        if (!onRelease) continue;
        const m = s.match!;
        let standIn = standIns.get(m);
        if (!standIn) {
          standIn = { key: '', standIn: true, group: null, alias: g.alias, match: m };
          standIns.set(m, standIn);
        }
        onRelease(s, standIn);
      }
    }
    if (g.standIn) {
      const standIn = g.standIn;
      standIn.match = forgottenMatch(g);
      standIn.alias = g.alias;
      standIn.group = null;
      g.standIn = null;
    }
    g.shapes = [];
  }

  // A shape forgotten from a group that stays: it will take the group's template for forgotten shapes.
  function release(shape: Shape, group: Group): void {
    forget(shape);
    // Takes the group's template from now on, even if a retired group's templates were written on it.
    shape.matchVersion = -1;
    if (!onRelease) return;
    group.standIn ??= { key: '', standIn: true, group, alias: null, match: null };
    onRelease(shape, group.standIn);
  }

  function forget(shape: Shape): void {
    shape.alive = false;
    let s: Shape | null | undefined = shapes.get(shape.hash);
    if (s === shape) {
      if (shape.nextSameHash) shapes.set(shape.hash, shape.nextSameHash);
      else shapes.delete(shape.hash);
    } else {
      while (s && s.nextSameHash !== shape) s = s.nextSameHash;
      if (!s) return; // not indexed yet
      s.nextSameHash = shape.nextSameHash;
    }
    shape.nextSameHash = null;
    shapeCount--;
  }

  function addShape(message: string): Shape {
    let shape: Shape | undefined;
    if (recentPause > 0) recentPause--;
    else {
      shape = recent.get(message);
      if (shape && !shape.alive) shape = undefined;
      if (shape) recentHits++;
      if (++recentLookups === RECENT_WINDOW) {
        if (recentHits < RECENT_WINDOW / 8) {
          recentPause = RECENT_WINDOW * 8;
          recent.clear();
        }
        recentLookups = 0;
        recentHits = 0;
      }
    }
    if (!shape) {
      // Fields of a JSON object (`{"a":1,"b":"x"}`) are tokens of their own, as words between spaces are.
      const text = message.includes(',"') ? message.replaceAll(',"', ', "') : message;
      const hash = scanner.scan(text);
      shape = shapes.get(hash);
      while (shape && !scanner.matches(shape.key)) shape = shape.nextSameHash ?? undefined;
      if (!shape) {
        const tokens = scanner.tokens();
        shape = place(tokens, tokens.join(' '), hash);
      }
      if (recentPause === 0) {
        // A generation of recent messages: cleared when full, so it stays bounded without bookkeeping.
        if (recent.size >= RECENT_MESSAGES) recent.clear();
        recent.set(message, shape);
      }
    }
    tick++;
    shape.count++;
    shape.lastSeen = tick;
    shape.group.count++;
    shape.group.lastSeen = tick;
    return shape;
  }

  function finalise(group: Group): void {
    if (group.finalVersion === group.version) return;
    group.whole = finalTemplates(group.shapes, o.enumMax, o.enumMinCount, group.version);
    group.finalVersion = group.version;
  }

  // Final templates that are one event printed with optional variable fragments (see `variantsOf`), by
  // template text, to the template they take; built on the first `resolve` after the input changed.
  let variants = new Map<string, TemplateMatch>();
  let variantsTick = -1;

  function resolve(ref: ShapeRef): TemplateMatch {
    const m = resolveOwn(ref);
    if (variantsTick !== tick) {
      const live = liveMatches();
      variants = instanceVariants(live, spanVariants(live, variantsOf(live)));
      variantsTick = tick;
    }
    return variants.get(m.template) ?? m;
  }

  // The final templates of the groups in memory, with their messages.
  function liveMatches(): Map<TemplateMatch, number> {
    const out = new Map<TemplateMatch, number>();
    const add = (m: TemplateMatch, n: number) => out.set(m, (out.get(m) ?? 0) + n);
    for (const list of buckets.values())
      for (const g of list) {
        const aliased = viaAlias(g.alias);
        if (aliased) {
          add(aliased, g.count);
          continue;
        }
        finalise(g);
        if (g.whole) add(g.whole, g.count);
        else for (const s of g.shapes) if (s.matchVersion === g.finalVersion) add(s.match!, s.count);
      }
    return out;
  }

  function resolveOwn(ref: ShapeRef): TemplateMatch {
    if ((ref as StandIn).standIn) {
      const standIn = ref as StandIn;
      if (standIn.group) return resolveForgotten(standIn.group);
      return viaAlias(standIn.alias) ?? standIn.match!;
    }
    const shape = ref as Shape;
    const group = shape.group;
    const aliased = viaAlias(group.alias);
    if (aliased) return aliased;
    finalise(group);
    if (shape.matchVersion === group.finalVersion) return shape.match!;
    return forgottenMatch(group);
  }

  // The template of an alias group (see `lengthVariant`) when it is in memory and whole.
  function viaAlias(alias: Group | null): TemplateMatch | null {
    if (!alias?.live) return null;
    finalise(alias);
    return alias.whole;
  }

  function resolveForgotten(group: Group): TemplateMatch {
    return viaAlias(group.alias) ?? forgottenMatch(group);
  }

  // A forgotten shape: the group's one final template when it did not split (the shapes it kept are like
  // the ones it forgot), else its generalised template.
  function forgottenMatch(group: Group): TemplateMatch {
    finalise(group);
    if (group.whole) return group.whole;
    const template = group.tokens.join(' ');
    return { clusterId: templateId(template), template };
  }

  return {
    add(message) {
      const shape = addShape(message);
      const own = shape.group;
      const g = own.alias?.live ? own.alias : own;
      if (!g.current) {
        const template = g.tokens.join(' ');
        g.current = { clusterId: templateId(template), template };
      }
      return g.current;
    },
    addShape,
    resolve,
    current(ref) {
      const shape = ref as Shape;
      if ((ref as StandIn).standIn || shape.alive) return ref;
      // Released while it was being added (the least recent shape of a full group): the stand-in of a
      // forgotten shape of its group, which resolves as the shape does.
      if (!onRelease) return ref;
      const group = shape.group;
      if (!group.live) return ref;
      group.standIn ??= { key: '', standIn: true, group, alias: null, match: null };
      return group.standIn;
    },
    clusters() {
      const byId = new Map<string, MinedCluster & { order: number }>();
      for (const list of buckets.values()) {
        for (const g of list) {
          for (const s of g.shapes) {
            const m = resolve(s);
            const c = byId.get(m.clusterId);
            if (c) {
              c.count += s.count;
              c.order = Math.min(c.order, s.firstSeen);
            } else byId.set(m.clusterId, { ...m, count: s.count, order: s.firstSeen });
          }
        }
      }
      return [...byId.values()]
        .sort((a, b) => a.order - b.order || (a.clusterId < b.clusterId ? -1 : 1))
        .map(({ clusterId, template, count }) => ({ clusterId, template, count }));
    },
    size() {
      return { clusters: groupCount, shapes: shapeCount };
    },
  };
}

/**
 * Final templates of one group, stored on its shapes. A varying position whose values are a few recurring words splits the
 * group (recursively); every other varying position becomes a variable.
 */
function finalTemplates(
  shapes: Shape[],
  enumMax: number,
  enumMinCount: number,
  version: number,
): TemplateMatch | null {
  if (shapes.length === 1) {
    // One shape is its own template (its key is its tokens joined by spaces).
    const s = shapes[0]!;
    s.match = { clusterId: templateId(s.key), template: s.key };
    s.matchVersion = version;
    return s.match;
  }
  const parts = splitByEnums(shapes, { enumMax, enumMinCount });
  for (const part of parts) {
    const template = part.length === 1 ? part[0]!.key : mergeTokens(part).join(' ');
    const match = { clusterId: templateId(template), template };
    for (const s of part) {
      s.match = match;
      s.matchVersion = version;
    }
  }
  return parts.length === 1 ? parts[0]![0]!.match : null;
}

// Templates need at least this many words (variables and units aside) to be merged as variants of one
// another: a word or two and some values are too little evidence of one event.
const VARIANT_MIN_WORDS = 2;

// No unit (see produce.ts), with the punctuation a token may have around it, is longer than this.
const UNIT_MAX_LENGTH = 12;

/**
 * Final templates that are one event printed in different ways, each mapped to the one of them with the most
 * messages (ties: the first in text order), so that all take one id. They have the same words in the same
 * order after the first, and differ only in variables and units (a value printed with or without its unit,
 * `<1 sec` or `00:02`, an optional `(<*> KB)` after a byte count, an optional `*64` after a program name, a
 * list of any length); their first tokens are equal, or one is a variable that the other's word fits
 * (`<*>.exe` and `Dropbox.exe`): the prefix tree sorts groups by their first word, so a group of a program
 * seen before its siblings made that word a variable stays apart until here.
 */
function variantsOf(matches: Map<TemplateMatch, number>): Map<string, TemplateMatch> {
  interface Entry {
    match: TemplateMatch;
    count: number;
    first: string;
  }
  // Templates by their words after the first token (as two hashes of their characters: this runs on every
  // template at the end of every input, and building the words as a string costs more than the rest).
  const byWords = new Map<number, Entry[]>();
  for (const [match, count] of matches) {
    const t = match.template;
    const firstEnd = t.indexOf(' ');
    if (firstEnd < 0 || t.indexOf(WILDCARD) < 0) continue; // one token, or a fixed message
    let h1 = 0x811c9dc5;
    let h2 = 0x1b873593;
    let words = 0;
    let afterValue = t.indexOf(WILDCARD) < firstEnd;
    let lastStart = -1;
    let lastEnd = -1;
    const n = t.length;
    for (let i = firstEnd + 1; i < n; ) {
      let j = t.indexOf(' ', i);
      if (j < 0) j = n;
      let variable = false;
      let letters = false;
      for (let c = i; c < j; c++) {
        const ch = t.charCodeAt(c);
        if (ch === 60 && t.startsWith(WILDCARD, c)) {
          variable = true;
          c += 2;
        } else if ((ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122)) letters = true;
      }
      const start = i;
      i = j + 1;
      // Bare values, and units right after a value, may be absent or printed as several tokens; a value with
      // a word glued to it (`user=<*>`, `<*>.exe`) is a word here.
      if (variable && !letters) {
        afterValue = true;
        continue;
      }
      if (
        !variable &&
        afterValue &&
        j - start <= UNIT_MAX_LENGTH &&
        unitKind(t.slice(start, j)) !== undefined
      )
        continue;
      afterValue = variable;
      // A list printed as a run of one repeated token is the token once.
      if (j - start === lastEnd - lastStart && sameChars(t, lastStart, start, j - start)) continue;
      lastStart = start;
      lastEnd = j;
      for (let c = start; c < j; c++) {
        const ch = t.charCodeAt(c);
        h1 = Math.imul(h1 ^ ch, 0x01000193);
        h2 = Math.imul(h2 ^ ch, 0x5bd1e995) ^ (h2 >>> 15);
      }
      h1 = Math.imul(h1 ^ 32, 0x01000193);
      h2 = Math.imul(h2 ^ 32, 0x5bd1e995);
      if (!variable) words++;
    }
    if (words < VARIANT_MIN_WORDS) continue;
    const key = (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
    const first = t.slice(0, firstEnd);
    const entry = { match, count, first: isBare(first) ? WILDCARD : first };
    const list = byWords.get(key);
    if (list) list.push(entry);
    else byWords.set(key, [entry]);
  }
  const out = new Map<string, TemplateMatch>();
  for (const list of byWords.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => b.count - a.count || (a.match.template < b.match.template ? -1 : 1));
    const roots: Entry[] = [];
    for (const e of list) {
      if (e.match.template === roots[0]?.match.template) continue;
      const root = roots.find((r) => fitsFirst(r.first, e.first) || fitsFirst(e.first, r.first));
      if (root) out.set(e.match.template, root.match);
      else roots.push(e);
    }
  }
  return out;
}

/** One unit of a template for `spanVariants`: a token, or a run of tokens that one bracket pair encloses. */
interface Unit {
  text: string;
  tokens: number;
  /** Stands for a value: a bare value (`<*>`, `(<*>)`), a null literal, or a bracketed group holding one. */
  value: boolean;
  /** A single token that is a value: it fits any value between its leading and trailing punctuation. */
  slot: boolean;
  lead: string;
  trail: string;
  /** A bracketed group: the name glued before its opening bracket (`Window`), the bracket, what follows it. */
  group: string | null;
  /** What the group's brackets enclose. */
  inner: string;
}

// Printed in place of an absent object in most languages: a value, whatever form the present one takes.
const NULL_LITERALS = new Set(['null', 'NULL', 'Null', 'None', 'nil', 'undefined']);

function bracketDepth(t: string, depth: number): number {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth++;
    else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return depth;
}

/** The template's units: a token opening a bracket that a later token closes takes those tokens with it. */
function unitsOf(template: string): Unit[] {
  const tokens = template.split(' ');
  const out: Unit[] = [];
  for (let i = 0; i < tokens.length; ) {
    let j = i + 1;
    let depth = bracketDepth(tokens[i]!, 0);
    while (depth > 0 && j < tokens.length) depth = bracketDepth(tokens[j++]!, depth);
    if (depth > 0) j = i + 1; // never closed: each token on its own
    const text = j === i + 1 ? tokens[i]! : tokens.slice(i, j).join(' ');
    out.push(unitOf(text, j - i));
    i = j;
  }
  return out;
}

function unitOf(text: string, tokens: number): Unit {
  const unit: Unit = { text, tokens, value: false, slot: false, lead: '', trail: '', group: null, inner: '' };
  const at = text.indexOf(WILDCARD);
  if (tokens === 1 && at >= 0 && isBare(text) && text.indexOf(WILDCARD, at + 1) < 0) {
    unit.value = unit.slot = true;
    unit.lead = text.slice(0, at);
    unit.trail = text.slice(at + WILDCARD.length);
  } else {
    let end = text.length;
    while (end > 0 && isTrailingPunctuation(text.charCodeAt(end - 1))) end--;
    if (NULL_LITERALS.has(end < text.length ? text.slice(0, end) : text)) {
      unit.value = unit.slot = true;
      unit.trail = text.slice(end);
    }
  }
  if (at < 0) return unit;
  // A group: a name of word characters, an opening bracket, its closing one, then at most punctuation.
  let open = 0;
  while (open < text.length && isNameChar(text.charCodeAt(open))) open++;
  const c = text.charCodeAt(open);
  if (c !== 40 && c !== 91 && c !== 123) return unit;
  let depth = 0;
  let close = open;
  for (; close < text.length; close++) {
    const d = text.charCodeAt(close);
    if (d === 40 || d === 91 || d === 123) depth++;
    else if (d === 41 || d === 93 || d === 125) if (--depth === 0) break;
  }
  if (close >= text.length) return unit;
  for (let k = close + 1; k < text.length; k++) if (!isTrailingPunctuation(text.charCodeAt(k))) return unit;
  unit.value = true;
  unit.group = `${text.slice(0, open + 1)}${text.slice(close)}`;
  unit.inner = text.slice(open + 1, close);
  return unit;
}

function isNameChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36
  );
}

function isTrailingPunctuation(c: number): boolean {
  return c === 44 || c === 59 || c === 58 || c === 46 || c === 33 || c === 63;
}

/**
 * True when two values of one position are one value printed with different numbers of tokens: two groups with the same name and brackets (`(<*>)` and `(run-parts <*>)`, a JSON object
 * with more or fewer fields), or a single value and anything between its punctuation (`null` and
 * `Window{<*> u0 <*>}`).
 */
function sameValue(a: Unit, b: Unit): boolean {
  if (a.tokens === b.tokens) return false;
  if (a.group !== null && a.group === b.group) return sameContents(a.inner, b.inner);
  const fits = (s: Unit, x: Unit) =>
    s.slot &&
    x.text.length >= s.lead.length + s.trail.length &&
    x.text.startsWith(s.lead) &&
    x.text.endsWith(s.trail) &&
    (x.group !== null || x.slot);
  return fits(a, b) || fits(b, a);
}

/**
 * Two contents of one bracket pair that are one value: either holds only values (`<*> <*> <*>` beside
 * `run-parts <*>`), or one is the other with more fields after a separator (a JSON object with more keys). Two
 * texts in brackets that differ from their start (`[Adding ...]`, `[Account <*> timed out ...]`) are messages.
 */
function sameContents(a: string, b: string): boolean {
  if (!LETTER.test(a) || !LETTER.test(b)) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (!long.startsWith(short)) return false;
  const c = long.charCodeAt(short.length);
  return c === 44 || c === 59 || c === 32;
}

/**
 * Final templates that are one event with one value printed as different numbers of tokens: equal but for
 * one unit, where each holds a value (see `sameValue`). The stack of `variantsOf` is applied first; each such
 * family takes the template of its member with the most messages. Equal-length differences are left to the
 * positional rules (a state word is not a value here).
 */
function spanVariants(
  matches: Map<TemplateMatch, number>,
  variants: Map<string, TemplateMatch>,
): Map<string, TemplateMatch> {
  // A length difference needs a bracket holding a value that spans tokens in one of the two, and equal words
  // outside brackets: a scan of the characters of each root template with a bracket finds the first kind; the
  // others are scanned only when their first token is one that a template of the first kind starts with.
  const candidates: TemplateMatch[] = [];
  const sigs: number[] = [];
  let spanning: Set<number> | null = null;
  let firsts: Set<string> | null = null;
  let anyFirst = false;
  const plain: TemplateMatch[] = [];
  for (const m of matches.keys()) {
    const t = m.template;
    if (variants.has(t)) continue; // not a root
    if (!BRACKET.test(t)) {
      plain.push(m);
      continue;
    }
    const sig = spanSignature(t);
    if (sig === NO_VALUE) continue;
    candidates.push(m);
    sigs.push(sig);
    if (sig >= 0) continue;
    spanning ??= new Set();
    spanning.add(-sig - 1);
    firsts ??= new Set();
    const first = firstToken(t);
    if (first.includes(WILDCARD) || BRACKET.test(first) || isNullAt(first, 0, first.length)) anyFirst = true;
    else firsts.add(first);
  }
  if (!spanning || !firsts) return variants;
  for (const m of plain) {
    const t = m.template;
    if (!anyFirst && !firsts.has(firstToken(t))) continue;
    const sig = spanSignature(t);
    if (sig === NO_VALUE) continue;
    candidates.push(m);
    sigs.push(sig);
  }
  interface Entry {
    match: TemplateMatch;
    count: number;
    units: Unit[];
    parent: Entry | null;
  }
  const byKey = new Map<string, Entry[]>();
  const entries = new Map<string, Entry>();
  for (let c = 0; c < candidates.length; c++) {
    const sig = sigs[c]!;
    if (!spanning.has(sig < 0 ? -sig - 1 : sig)) continue;
    const match = candidates[c]!;
    const units = unitsOf(match.template);
    let key = '';
    for (const u of units) key += u.value ? '\u0001 ' : `${u.text} `;
    const e: Entry = { match, count: 0, units, parent: null };
    entries.set(match.template, e);
    const list = byKey.get(key);
    if (list) list.push(e);
    else byKey.set(key, [e]);
  }
  if (byKey.size === entries.size) return variants; // no two share a key
  // Messages of each root, with those of the templates `variantsOf` mapped to it.
  for (const [m, n] of matches) {
    const e = entries.get((variants.get(m.template) ?? m).template);
    if (e) e.count += n;
  }
  const find = (e: Entry): Entry => {
    while (e.parent) e = e.parent;
    return e;
  };
  let out: Map<string, TemplateMatch> | null = null;
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        let diff = -1;
        let k = 0;
        for (; k < a.units.length; k++) {
          if (a.units[k]!.text === b.units[k]!.text) continue;
          if (diff >= 0) break;
          diff = k;
        }
        if (k < a.units.length || diff < 0 || !sameValue(a.units[diff]!, b.units[diff]!)) continue;
        const ra = find(a);
        const rb = find(b);
        if (ra !== rb) rb.parent = ra;
      }
    // Each family takes the template of its member with the most messages (ties: the first in text order).
    const best = new Map<Entry, Entry>();
    for (const e of list) {
      const r = find(e);
      const cur = best.get(r);
      if (!cur || e.count > cur.count || (e.count === cur.count && e.match.template < cur.match.template))
        best.set(r, e);
    }
    for (const e of list) {
      const top = best.get(find(e))!;
      if (top === e) continue;
      out ??= new Map(variants);
      out.set(e.match.template, top.match);
    }
  }
  if (!out) return variants;
  // Templates mapped to a root that now maps on follow it there.
  for (const [t, m] of out) {
    const next = out.get(m.template);
    if (next && next !== m) out.set(t, next);
  }
  return out;
}

const BRACKET = /[([{]/;

/**
 * Final templates that are an instance of another final template of the same length (each token equal to the
 * other's, or a word its variable fits: `python.exe - login.live.com resolve ...` of `<*>.exe - <*> resolve ...`)
 * take the template that one takes: the group was made before those positions were known to vary and never met
 * the group that learned it. Decoration and empty keys (`****`, `rhost=`) are structure, which no variable fits.
 * Of several such templates, the one whose family has the most messages.
 */
function instanceVariants(
  matches: Map<TemplateMatch, number>,
  variants: Map<string, TemplateMatch>,
): Map<string, TemplateMatch> {
  interface Entry {
    root: TemplateMatch;
    tokens: string[];
    count: number;
  }
  const rootCount = new Map<string, number>();
  for (const [m, n] of matches) {
    const root = variants.get(m.template) ?? m;
    rootCount.set(root.template, (rootCount.get(root.template) ?? 0) + n);
  }
  // Templates with a variable, by length, then by the position of their first word and that word: an instance
  // has that word there.
  const general = new Map<number, Map<string, Entry[]>[]>();
  const tokensOf = new Map<TemplateMatch, string[]>();
  for (const m of matches.keys()) {
    if (!m.template.includes(WILDCARD)) continue;
    const root = variants.get(m.template) ?? m;
    const tokens = m.template.split(' ');
    tokensOf.set(m, tokens);
    const e = { root, tokens, count: rootCount.get(root.template)! };
    const p = tokens.findIndex((t) => !t.includes(WILDCARD) && LETTER.test(t));
    if (p < 0) continue;
    let byPosition = general.get(tokens.length);
    if (!byPosition) {
      byPosition = [];
      general.set(tokens.length, byPosition);
    }
    let byWord = byPosition[p];
    if (!byWord) {
      byWord = new Map();
      byPosition[p] = byWord;
    }
    const list = byWord.get(tokens[p]!);
    if (list) list.push(e);
    else byWord.set(tokens[p]!, [e]);
  }
  if (general.size === 0) return variants;
  const target = new Map<string, Entry>();
  for (const m of matches.keys()) {
    // Split only a template of a length that some template with a variable has.
    const byPosition = general.get(tokenCount(m.template));
    if (!byPosition) continue;
    const root = variants.get(m.template) ?? m;
    const a = { root, tokens: tokensOf.get(m) ?? m.template.split(' ') };
    let best = target.get(root.template) ?? null;
    for (let p = 0; p < byPosition.length; p++) {
      const list = byPosition[p]?.get(a.tokens[p]!);
      if (!list) continue;
      for (const b of list) {
        if ((best && b.count <= best.count) || b.root.template === a.root.template) continue;
        if (isInstance(a.tokens, b.tokens)) best = b;
      }
    }
    if (best) target.set(a.root.template, best);
  }
  if (target.size === 0) return variants;
  const out = new Map(variants);
  const final = (r: TemplateMatch): TemplateMatch => {
    const seen = new Set<string>();
    while (!seen.has(r.template)) {
      seen.add(r.template);
      const next = target.get(r.template);
      if (!next) break;
      r = next.root;
    }
    return r;
  };
  for (const m of matches.keys()) {
    const r = variants.get(m.template) ?? m;
    const f = final(r);
    if (f !== r) out.set(m.template, f);
  }
  return out;
}

function tokenCount(t: string): number {
  let n = 1;
  for (let i = t.indexOf(' '); i >= 0; i = t.indexOf(' ', i + 1)) n++;
  return n;
}

// True when every token of `a` is the token of `b` or a word that b's variable fits, and they share words.
function isInstance(a: string[], b: string[]): boolean {
  let words = 0;
  let fitted = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) {
      if (!y.includes(WILDCARD) && LETTER.test(y)) words++;
      continue;
    }
    if (x.includes(WILDCARD) || structuralClass(x) !== '' || !fitsFirst(y, x)) return false;
    fitted++;
  }
  return fitted > 0 && words >= VARIANT_MIN_WORDS;
}

function firstToken(t: string): string {
  const end = t.indexOf(' ');
  return end < 0 ? t : t.slice(0, end);
}

const NO_VALUE = -0.5;

/**
 * A hash (>= 0) of a template's words outside brackets and values, or `-hash - 1` when a bracket in it spans
 * tokens and holds a value (`(run-parts <*>)`), or NO_VALUE when it holds no value at all. Templates of one event with a value
 * of different lengths (see `spanVariants`) have the same hash, and one of them has a spanning bracket.
 */
function spanSignature(t: string): number {
  let h = 0x811c9dc5;
  let depth = 0;
  let spans = false;
  let value = false;
  // The bracket run open now spans tokens, holds a value.
  let runSpaces = false;
  let runValue = false;
  // The current token: its start, its hash so far, whether it began outside brackets and has none.
  let start = 0;
  let th = h;
  let outside = true;
  let plain = true;
  const n = t.length;
  for (let c = 0; c <= n; c++) {
    const ch = c < n ? t.charCodeAt(c) : 32;
    if (ch === 32) {
      if (outside && plain) {
        if (isNullAt(t, start, c)) value = true;
        else h = Math.imul(th ^ 32, 0x01000193);
      }
      if (depth > 0) runSpaces = true;
      start = c + 1;
      th = h;
      outside = depth === 0;
      plain = true;
      continue;
    }
    th = Math.imul(th ^ ch, 0x01000193);
    if (ch === 40 || ch === 91 || ch === 123) {
      depth++;
      plain = false;
    } else if (ch === 41 || ch === 93 || ch === 125) {
      if (depth > 0 && --depth === 0) {
        if (runSpaces && runValue) spans = true;
        runSpaces = runValue = false;
      }
      plain = false;
    } else if (ch === 60) {
      plain = false;
      if (t.charCodeAt(c + 1) === 42 && t.charCodeAt(c + 2) === 62) {
        value = true;
        if (depth > 0) runValue = true;
      }
    }
  }
  if (!value) return NO_VALUE;
  const sig = (h >>> 0) % 0x40000000;
  return spans ? -sig - 1 : sig;
}

// True when t[i, j) is a null literal, with trailing punctuation or without.
function isNullAt(t: string, i: number, j: number): boolean {
  const c = t.charCodeAt(i);
  if (c !== 110 && c !== 78 && c !== 117) return false; // n, N, u
  while (j > i && isTrailingPunctuation(t.charCodeAt(j - 1))) j--;
  return j - i >= 3 && j - i <= 9 && NULL_LITERALS.has(t.slice(i, j));
}

function sameChars(t: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (t.charCodeAt(a + k) !== t.charCodeAt(b + k)) return false;
  return true;
}

// True when `word` is `pattern`, or `pattern` holds one variable whose prefix and suffix `word` has around
// something of its own (`<*>.exe` and `Dropbox.exe`, `<*>` and anything).
function fitsFirst(pattern: string, word: string): boolean {
  if (pattern === word) return true;
  const at = pattern.indexOf(WILDCARD);
  if (at < 0 || pattern.indexOf(WILDCARD, at + 1) >= 0) return false;
  const prefix = pattern.slice(0, at);
  const suffix = pattern.slice(at + WILDCARD.length);
  return word.length > prefix.length + suffix.length && word.startsWith(prefix) && word.endsWith(suffix);
}

/**
 * True when `token` is a value of the group's `key=<*>` (`oldVal=d` of `oldVal=<*>`): a value the masking left
 * because it has no digit is still a value of that key.
 */
function keyValueOf(groupToken: string, token: string): boolean {
  const n = groupToken.length;
  if (n < 5 || !groupToken.endsWith('=<*>') || token.length < n - 2) return false;
  return token.startsWith(groupToken.slice(0, n - 3)) && token.indexOf('=') === n - 4;
}

/** Positions of the tokens that are not bare masked values (see `isBare`). */
function constantPositions(tokens: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (!isBare(tokens[i]!)) out.push(i);
  return out;
}

/** A masked value with nothing else in the token but punctuation: `<*>`, `<*>:`, `[<*>]`. */
function isBare(token: string): boolean {
  if (!token.includes(WILDCARD)) return false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      // letters of the wildcard itself do not exist ('<*>' has none), so any letter is a constant part
      return false;
    }
  }
  return true;
}

const LETTER = /[A-Za-z]/;
// A run of one punctuation character (`****`, `--`, `==`): layout, not data.
const DECORATION = /^([^A-Za-z0-9])\1+$/;
// `key=<*>`, and `key=value` with any value (`ws=null,`, `ws=WorkSource{<*>},`): the value is data whatever its
// form, so the two are one structure.
const KEY_VALUE = /^(?:[^=]*=<\*>$|[A-Za-z_][\w.-]*=[^=])/;

/**
 * The class of a token for structural comparison: masked tokens with a constant part (`LOGIN(uid=<*>)`,
 * `instruction...<*>`), decoration (`****`, `--`) and empty keys (`rhost=`) are their own class; plain words, bare values and `key=<*>` are interchangeable.
 */
function structuralClass(t: string): string {
  if (!t.includes(WILDCARD)) return DECORATION.test(t) || isEmptyKey(t) ? t : '';
  return isBare(t) || KEY_VALUE.test(t) || NUMBERED_NAME.test(t) ? '' : t;
}

// A name numbered by a value (`mesos-slave-<*>,`, `worker-<*>`, `mesos-slave-<*>):`, a process and its id as
// `QQ.<*>`): a host or instance name, as a fully masked one is, not a structure of its own.
const NUMBERED_NAME = /^[A-Za-z][A-Za-z-]*[-.]<\*>[,;:.)\]]*$/;

// `rhost=` with nothing after it: the value is absent, which is a different event from one that has a value.
function isEmptyKey(t: string): boolean {
  return t.length > 1 && t.charCodeAt(t.length - 1) === 61 /* = */ && t.indexOf('=') === t.length - 1;
}

interface SplitSettings {
  enumMax: number;
  enumMinCount: number;
}

/**
 * Splits a group into events. In order of preference, a position splits the group when:
 * its masked tokens differ in their constant parts (different structure);
 * it is one of several word positions that vary together (each value of one fixes the others);
 * it holds at most `enumMax` distinct words that each recur `enumMinCount` times (a state, not data).
 * `free` holds the positions that already varied freely (too many words, or a rare one) in an enclosing
 * group: their values are data, so a structural split elsewhere does not turn them into states.
 */
function splitByEnums(shapes: Shape[], o: SplitSettings, free: ReadonlySet<number> = new Set()): Shape[][] {
  if (shapes.length < 2) return [shapes];
  const n = shapes[0]!.tokens.length;
  let structural = -1;
  const wordPositions: { p: number; counts: Map<string, number> }[] = [];
  let freeHere: Set<number> | null = null;
  const constantPositions: number[] = [];
  const varying: number[] = [];
  for (let p = 0; p < n && structural < 0; p++) {
    const first = shapes[0]!.tokens[p]!;
    if (shapes.every((s) => s.tokens[p] === first)) continue;
    varying.push(p);
    const classes = new Set<string>();
    const counts = new Map<string, number>();
    let wordLike = true;
    for (const s of shapes) {
      const t = s.tokens[p]!;
      classes.add(structuralClass(t));
      if (t.includes(WILDCARD) || !LETTER.test(t)) wordLike = false;
      else counts.set(t, (counts.get(t) ?? 0) + s.count);
    }
    if (classes.size > STRUCTURES_MAX) {
      freeHere ??= new Set(free);
      freeHere.add(p);
    }
    if (
      classes.size > 1 &&
      classes.size <= STRUCTURES_MAX &&
      !free.has(p) &&
      !wordsFitPattern(shapes, p, classes)
    )
      structural = p;
    else if (wordLike && counts.size <= CONSTANT_NAMES_MAX && [...counts.keys()].every(isConstantName)) {
      constantPositions.push(p);
      continue;
    } else if (wordLike && counts.size <= o.enumMax && !free.has(p) && !unitsOfOneKind(counts))
      wordPositions.push({ p, counts });
    if (counts.size > o.enumMax || [...counts.values()].some((c) => c < o.enumMinCount)) {
      freeHere ??= new Set(free);
      freeHere.add(p);
    }
  }
  const inner = freeHere ?? free;
  if (structural >= 0) return partition(shapes, (s) => structuralClass(s.tokens[structural]!), o, inner);
  const shifted = shiftedWord(shapes, varying);
  if (shifted !== null)
    return partition(shapes, (s) => String(varying.find((p) => s.tokens[p] === shifted) ?? -1), o, inner);
  if (constantPositions.length > 0)
    return partition(shapes, (s) => constantPositions.map((p) => s.tokens[p]).join(' '), o, inner);
  if (wordPositions.length >= 2) {
    const joint = new Set(shapes.map((s) => wordPositions.map((w) => s.tokens[w.p]).join(' ')));
    if (wordPositions.every((w) => w.counts.size === joint.size)) {
      return partition(shapes, (s) => wordPositions.map((w) => s.tokens[w.p]).join(' '), o, inner);
    }
  }
  let best: { p: number; counts: Map<string, number> } | null = null;
  for (const w of wordPositions) {
    let recurring = true;
    for (const c of w.counts.values()) if (c < o.enumMinCount) recurring = false;
    if (recurring && (!best || w.counts.size < best.counts.size)) best = w;
  }
  if (!best) return [shapes];
  const pos = best.p;
  return partition(shapes, (s) => s.tokens[pos]!, o, inner);
}

/**
 * A word that two shapes of the group hold at different varying positions, where one of them holds a value at
 * the other's position: the two print their words in a different order or with a value missing
 * (`522 bytes sent, 1338083 bytes (1.28 MB) received` beside `2615244 bytes (2.49 MB) sent, 39 bytes received`),
 * so that they met only by their length and their positions do not line up. Null when there is none.
 */
function shiftedWord(shapes: Shape[], varying: number[]): string | null {
  if (varying.length < 2) return null;
  // Each word at a varying position: the first shape and position it was seen at.
  const seen = new Map<string, { s: Shape; p: number }>();
  for (const s of shapes) {
    const t = s.tokens;
    for (const p of varying) {
      const w = t[p]!;
      if (w.includes(WILDCARD) || !LETTER.test(w)) continue;
      const at = seen.get(w);
      if (!at) {
        seen.set(w, { s, p });
        continue;
      }
      if (at.p === p) continue;
      if (isBare(at.s.tokens[p]!) || isBare(t[at.p]!)) return w;
    }
  }
  return null;
}

// A position whose tokens fall in more structural classes than this is data (pod names with random suffixes,
// hex ids whose groups happen to be all letters), not a choice between event structures (`LOGIN(uid=<*>)` vs
// `(uid=<*>)`). Chosen on the bench data: 2 and 3 give the same in-sample GA; 2 over-splits less on unseen data.
const STRUCTURES_MAX = 2;

// Names written as code constants (RUNNING, FAIL_CONTAINER_CLEANUP, TASK_ABORT): values of an enum in the
// program that logs them, so each is its own event however rarely it occurs.
const CONSTANT_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const CONSTANT_NAMES_MAX = 16;

// Units of one kind (`KB`, `MB`) go with the value before them: data, not a state.
function unitsOfOneKind(counts: Map<string, number>): boolean {
  let kind: string | undefined;
  for (const w of counts.keys()) {
    const k = unitKind(w);
    if (k === undefined || (kind !== undefined && k !== kind)) return false;
    kind = k;
  }
  return true;
}

function isConstantName(t: string): boolean {
  return t.length >= 4 && CONSTANT_NAME.test(t);
}

/**
 * True when the position holds one masked pattern (`chdir(<*>)`) and plain tokens that read as that pattern
 * with a value that was not masked (`chdir(pwd)`): one structure, not two.
 */
function wordsFitPattern(shapes: Shape[], p: number, classes: Set<string>): boolean {
  if (classes.size !== 2 || !classes.has('')) return false;
  let pattern = '';
  for (const c of classes) if (c !== '') pattern = c;
  const at = pattern.indexOf(WILDCARD);
  if (at < 0 || pattern.indexOf(WILDCARD, at + 1) >= 0) return false;
  const prefix = pattern.slice(0, at);
  const suffix = pattern.slice(at + WILDCARD.length);
  if (prefix.length + suffix.length === 0) return false;
  for (const s of shapes) {
    const t = s.tokens[p]!;
    if (t === pattern || structuralClass(t) === pattern) continue;
    if (t.length <= prefix.length + suffix.length || !t.startsWith(prefix) || !t.endsWith(suffix))
      return false;
  }
  return true;
}

function partition(
  shapes: Shape[],
  keyOf: (s: Shape) => string,
  o: SplitSettings,
  free: ReadonlySet<number>,
): Shape[][] {
  const parts = new Map<string, Shape[]>();
  for (const s of shapes) {
    const k = keyOf(s);
    const part = parts.get(k);
    if (part) part.push(s);
    else parts.set(k, [s]);
  }
  return [...parts.values()].flatMap((part) => splitByEnums(part, o, free));
}

/** Token-wise merge: equal tokens stay, differing ones become `<*>` (keeping a shared `key=` prefix). */
function mergeTokens(shapes: Shape[]): string[] {
  const first = shapes[0]!.tokens;
  const out = first.slice();
  for (let p = 0; p < out.length; p++) {
    const t = first[p]!;
    let same = true;
    for (const s of shapes) {
      if (s.tokens[p] !== t) {
        same = false;
        break;
      }
    }
    if (same) continue;
    const eq = t.indexOf('=');
    const prefix = eq > 0 ? t.slice(0, eq + 1) : '';
    if (prefix && shapes.every((s) => s.tokens[p]!.startsWith(prefix))) out[p] = prefix + WILDCARD;
    else out[p] = keepPunctuation(shapes.map((s) => s.tokens[p]!));
  }
  return out;
}

/**
 * `(<*>)` for `(10.0.0.1)` and `(example.com)`, `chdir(<*>)` for `chdir(<*>)` and `chdir(pwd)`: the longest
 * prefix and suffix that every value shares, cut back to punctuation so that no part of a word is kept.
 */
function keepPunctuation(tokens: string[]): string {
  const first = tokens[0]!;
  let shortest = first.length;
  let lead = first.length;
  let trail = first.length;
  for (const t of tokens) {
    shortest = Math.min(shortest, t.length);
    let i = 0;
    while (i < lead && i < t.length && t.charCodeAt(i) === first.charCodeAt(i)) i++;
    lead = i;
    let j = 0;
    while (
      j < trail &&
      j < t.length &&
      t.charCodeAt(t.length - 1 - j) === first.charCodeAt(first.length - 1 - j)
    )
      j++;
    trail = j;
  }
  while (lead > 0 && !isBoundary(first.charCodeAt(lead - 1))) lead--;
  while (trail > 0 && !isBoundary(first.charCodeAt(first.length - trail))) trail--;
  if (lead + trail > shortest) return WILDCARD;
  return first.slice(0, lead) + WILDCARD + first.slice(first.length - trail);
}

/** Punctuation that can end a kept prefix or start a kept suffix (not letters, digits or `<*>` itself). */
function isBoundary(c: number): boolean {
  return !isAlnumOrWildcard(c);
}

function isAlnumOrWildcard(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 60 || c === 42 || c === 62
  );
}

/**
 * Parses a whole input: every message with its template as it stands after the whole input, so that
 * messages of the same event share one template even when the first ones were seen before it generalised.
 */
export function parseMessages(messages: readonly string[], options?: TemplateMinerOptions): TemplateMatch[] {
  const miner = createTemplateMiner(options);
  const refs = messages.map((m) => miner.addShape(m));
  return refs.map((r) => miner.resolve(r));
}
