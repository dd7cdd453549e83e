import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One NAB trace with the residuals its instances' noise is drawn from. */
export interface Trace {
  name: string;
  category: string;
  values: number[];
  /** Value minus the centred rolling median of 5: the trace's own point-to-point noise. */
  residuals: number[];
  /** 90th percentile of the residuals (tail class). */
  residualQ90: number;
  /** 99.5th percentile of the absolute residuals: how large the trace's own spikes are. */
  absResidualQ995: number;
  /** Kurtosis of the residuals (3 for Gaussian noise). */
  kurtosis: number;
}

/** Half-width of the rolling-median window (5 points): wide enough to keep the level, narrow enough to follow it. */
const HALF = 2;

/**
 * Every NAB trace of every category, except the noise-free ones (all residuals 0: art_flatline,
 * art_daily_no_noise, art_daily_perfect_square_wave), whose instances would be identical copies so that
 * noise variance and tail classes are undefined on them.
 */
export function loadTraces(dataDir: string): { traces: Trace[]; excluded: string[] } {
  const traces: Trace[] = [];
  const excluded: string[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    for (const file of readdirSync(join(dataDir, category)).sort()) {
      if (!file.endsWith('.csv')) continue;
      const lines = readFileSync(join(dataDir, category, file), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      const values = lines.map((l) => Number(l.slice(l.lastIndexOf(',') + 1))).filter(Number.isFinite);
      const residuals = values.map((v, i) => {
        const w = values.slice(Math.max(0, i - HALF), i + HALF + 1).sort((a, b) => a - b);
        return v - w[Math.floor(w.length / 2)]!;
      });
      const name = file.replace(/\.csv$/, '');
      if (
        residuals.every((r) => r === 0) ||
        residuals.filter((r) => r !== 0).length < 0.01 * residuals.length
      ) {
        excluded.push(name);
        continue;
      }
      const sorted = [...residuals].sort((a, b) => a - b);
      const abs = residuals.map(Math.abs).sort((a, b) => a - b);
      const m = residuals.reduce((a, r) => a + r, 0) / residuals.length;
      let m2 = 0;
      let m4 = 0;
      for (const r of residuals) {
        m2 += (r - m) ** 2;
        m4 += (r - m) ** 4;
      }
      m2 /= residuals.length;
      m4 /= residuals.length;
      traces.push({
        name,
        category,
        values,
        residuals,
        residualQ90: sorted[Math.floor(0.9 * (sorted.length - 1))]!,
        absResidualQ995: abs[Math.floor(0.995 * (abs.length - 1))]!,
        kurtosis: m4 / (m2 * m2),
      });
    }
  }
  return { traces, excluded };
}
