import { seededRandom } from '../../packages/core/src/random.ts';
/**
 * A deterministic synthetic log stream for the memory benchmark: a few hundred recurring events with
 * numeric, hex, IP and word variables, plus a steady trickle of never-repeating events (as from a bug
 * that logs free text), which is what makes an uncapped miner grow without bound.
 */
export function* syntheticStream(lines: number, seed: number): Generator<string> {
  const rand = seededRandom(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  const verbs = ['started', 'stopped', 'failed', 'retried', 'completed', 'queued', 'rejected', 'timed out'];
  const events = Array.from({ length: 300 }, (_, i) => {
    const w = [words[i % 10]!, words[Math.floor(i / 10) % 10]!, `svc${i % 7}`];
    return (): string =>
      `${w[0]} ${w[1]} request ${int(1e6)} from ${int(256)}.${int(256)}.${int(256)}.${int(256)}:${1024 + int(60000)} ` +
      `${verbs[i % verbs.length]} after ${int(5000)} ms on ${w[2]} id=0x${int(0xffffff).toString(16)}`;
  });
  for (let i = 0; i < lines; i++) {
    if (i % 50 === 0) {
      // Unique free text: a new cluster every time.
      const n = 3 + int(6);
      yield Array.from({ length: n }, () => words[int(10)]! + String.fromCharCode(97 + int(26))).join(' ') +
        ` unique${String.fromCharCode(97 + int(26), 97 + int(26), 97 + int(26))}`;
    } else {
      yield events[int(events.length)]!();
    }
  }
}
