import { resolve } from 'node:path';
import {
  ALERT_THRESHOLDS,
  createDetector,
  csvLine,
  parseTimestampValueCsv,
  SENSITIVITIES,
} from '@vigil/core';
import { checkOutputFile, writeFileAtomic } from '@vigil/runtime';
import { oneOf, parseCommandArgs, required } from '../args.ts';
import { type Command, UsageError } from '../command.ts';
import { readInput } from '../input.ts';

export const anomaliesCommand: Command = {
  path: ['anomalies'],
  summary: 'Score every point of a metric series for anomalies (streaming, no look-ahead)',
  help: `Usage: vigil anomalies --input FILE.csv --output FILE.csv [--sensitivity S]

Runs Service Guard's streaming anomaly detector over one series. The score of each point uses that point
and the points before it only, exactly as the detector scores live data.

Input: CSV with the header "timestamp,value" (NAB's format: timestamps like 2014-04-01 00:00:00, read as
UTC; ISO-8601 and epoch seconds also work). Values are decimal numbers or +Inf/-Inf; an empty value or NaN
is a gap; anything else (abc, 12ms) is an error naming its line (exit 3). Values beyond +-2.8e306 are
judged as that bound, so extreme values score 1 instead of overflowing.
Output: CSV "timestamp,value,anomaly_score", one row per input row, in the same order. Scores lie in
[0, 1]; at the default sensitivity a score >= 0.5 is exactly an alert.

Options:
  --input FILE        series to score (required)
  --output FILE       where to write the scores (required; its folder is created; never the input)
  --sensitivity S     low | medium | high (default: medium); alerts at score >= ${ALERT_THRESHOLDS.low} | ${ALERT_THRESHOLDS.medium} | ${ALERT_THRESHOLDS.high}
  -h, --help          this help

Prints how many points it scored and how many alerts it raised.

Example:
  vigil anomalies --input nyc_taxi.csv --output nyc_taxi_scores.csv
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('anomalies', argv, {
      input: { type: 'string' },
      output: { type: 'string' },
      sensitivity: { type: 'string' },
    });
    if (positionals.length > 0) {
      throw new UsageError(
        `vigil anomalies: unexpected argument "${positionals[0]}"; use --input and --output`,
      );
    }
    const input = resolve(io.cwd, required('anomalies', 'input', values.input));
    const output = resolve(io.cwd, required('anomalies', 'output', values.output));
    const sensitivity = oneOf(
      'anomalies',
      'sensitivity',
      values.sensitivity as string | undefined,
      SENSITIVITIES,
      'medium',
    );

    const text = await readInput(input, '--input');
    await checkOutputFile(output, '--output', [{ option: '--input', path: input }]);
    let rows: ReturnType<typeof parseTimestampValueCsv>;
    try {
      rows = parseTimestampValueCsv(text, input);
    } catch (e) {
      throw new UsageError(`vigil anomalies: ${(e as Error).message}`);
    }

    const detector = createDetector({ sensitivity });
    const lines = ['timestamp,value,anomaly_score'];
    let alerts = 0;
    for (const row of rows) {
      const p = detector.update(row.t, row.v);
      if (p.alert) alerts++;
      lines.push(csvLine([row.timestampText, row.valueText, p.score]));
    }
    await writeFileAtomic(output, `${lines.join('\n')}\n`);
    io.stdout.write(
      `${rows.length} points scored, ${alerts} alerts (sensitivity ${sensitivity}) -> ${output}\n`,
    );
    return 0;
  },
};
