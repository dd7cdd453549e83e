import { basename, resolve } from 'node:path';
import {
  formatJudgmentText,
  judgeVerification,
  type MetricData,
  parseUnit,
  SENSITIVITIES,
  seriesFromCsv,
  unknownUnitMessage,
} from '@vigil/core';
import { oneOf, parseCommandArgs, required } from '../args.ts';
import { UsageError } from '../command.ts';
import type { Command } from '../command.ts';
import { exitCodeOf } from '../exitCode.ts';
import { readInput } from '../input.ts';

const KINDS = ['error', 'latency', 'throughput', 'resource', 'other'] as const;
const DIRECTIONS = ['higher-is-worse', 'lower-is-worse', 'both'] as const;
const JUDGES = ['default', 'kayenta'] as const;

export const compareCommand: Command = {
  path: ['compare'],
  summary: 'Judge one metric: baseline CSV vs canary CSV, with an explained verdict',
  help: `Usage: vigil compare --baseline FILE --canary FILE [options]

Judges one metric of a canary against its baseline and explains the verdict.
Input CSV files have the header "timestamp,instance,value" (timestamps ISO-8601 or epoch seconds;
several instances per file; empty or NaN values are gaps; +Inf, -Inf, Inf and Infinity are values,
the worst there is in the bad direction; hex such as 0x10 is rejected).

Options:
  --baseline FILE     baseline series (required)
  --canary FILE       canary series (required)
  --metric NAME       metric name in the output (default: the canary file's name)
  --kind K            error | latency | throughput | resource | other (default: other)
  --direction D       higher-is-worse | lower-is-worse | both (default: higher-is-worse)
  --unit U            unit of the values, e.g. ms, s, B, MiB, %, ratio, req/s (floors and thresholds are
                      converted into it; without it no absolute floor applies)
  --sensitivity S     low | medium | high (default: medium)
  --judge J           default (Vigil's combined judges) | kayenta (Kayenta NetflixACAJudge semantics)
  --json              print one JSON object (verdict, score, reason, metrics with per-judge details)
  -h, --help          this help

Exit codes: 0 pass, 1 fail, 2 inconclusive, 3 usage or input error.

Example:
  vigil compare --baseline examples/compare/baseline.csv --canary examples/compare/canary.csv --kind latency --unit ms
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('compare', argv, {
      baseline: { type: 'string' },
      canary: { type: 'string' },
      metric: { type: 'string' },
      kind: { type: 'string' },
      direction: { type: 'string' },
      unit: { type: 'string' },
      sensitivity: { type: 'string' },
      judge: { type: 'string' },
      json: { type: 'boolean' },
    });
    const baselinePath = resolve(io.cwd, required('compare', 'baseline', values.baseline));
    const canaryPath = resolve(io.cwd, required('compare', 'canary', values.canary));
    const metric = (values.metric as string | undefined) ?? basename(canaryPath).replace(/\.csv$/i, '');
    const unitText = values.unit as string | undefined;
    const unit = unitText === undefined ? undefined : parseUnit(unitText);
    if (unitText !== undefined && !unit)
      throw new UsageError(`vigil compare: --unit: ${unknownUnitMessage(unitText)}`);
    const definition = {
      name: metric,
      kind: oneOf('compare', 'kind', values.kind as string | undefined, KINDS, 'other'),
      direction: oneOf(
        'compare',
        'direction',
        values.direction as string | undefined,
        DIRECTIONS,
        'higher-is-worse',
      ),
      ...(unit ? { unit: unit.symbol } : {}),
    };
    const data: MetricData = {
      definition,
      baseline: seriesFromCsv(await readInput(baselinePath, '--baseline'), {
        metric,
        group: 'baseline',
        source: baselinePath,
      }),
      canary: seriesFromCsv(await readInput(canaryPath, '--canary'), {
        metric,
        group: 'canary',
        source: canaryPath,
      }),
    };
    const judgment = judgeVerification([data], {
      sensitivity: oneOf(
        'compare',
        'sensitivity',
        values.sensitivity as string | undefined,
        SENSITIVITIES,
        'medium',
      ),
      mode: oneOf('compare', 'judge', values.judge as string | undefined, JUDGES, 'default'),
    });
    io.stdout.write(values.json ? `${JSON.stringify(judgment, null, 2)}\n` : formatJudgmentText(judgment));
    return exitCodeOf(judgment.verdict);
  },
};
