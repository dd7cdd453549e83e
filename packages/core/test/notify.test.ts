import { describe, expect, it } from 'vitest';
import {
  escapeSlack,
  loadSpec,
  notifyEventOf,
  type Outcome,
  SpecError,
  secretsOfSpec,
  wantsEvent,
} from '../src/index.ts';

const base = `apiVersion: vigil/v1
service: shop
providers: { p: { type: prometheus, url: "http://127.0.0.1:9090" } }
metrics: [{ name: latency, query: "lat" }]
`;

describe('notification events', () => {
  it('makes a recovery only from a known failing, inconclusive or unverified previous outcome', () => {
    const table: [Outcome, Outcome | undefined, string][] = [
      ['failed', undefined, 'fail'],
      ['failed', 'failed', 'fail'],
      ['inconclusive', 'passed', 'inconclusive'],
      ['could-not-verify', undefined, 'inconclusive'],
      ['cancelled', 'failed', 'inconclusive'],
      ['passed', undefined, 'pass'],
      ['passed', 'passed', 'pass'],
      ['passed', 'cancelled', 'pass'],
      ['passed', 'failed', 'recovery'],
      ['passed', 'inconclusive', 'recovery'],
      ['passed', 'could-not-verify', 'recovery'],
    ];
    expect(table.map(([o, p]) => notifyEventOf(o, p))).toEqual(table.map((r) => r[2]));
  });

  it('gives a recovery to targets on pass, and a plain pass only to them', () => {
    expect(wantsEvent({ on: ['pass'] }, 'recovery')).toBe(true);
    expect(wantsEvent({ on: ['fail', 'inconclusive', 'recovery'] }, 'pass')).toBe(false);
    expect(wantsEvent({ on: ['fail'] }, 'recovery')).toBe(false);
  });

  it('escapes what opens a Slack mention or link', () => {
    expect(escapeSlack('<!channel> & <http://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;http://x|y&gt;');
  });
});

describe('notify in the spec', () => {
  it('defaults `on` and keeps every webhook URL and its token parts secret, from the environment or not', () => {
    const spec = loadSpec(
      `${base}notify:
  - { type: slack, url: "https://hooks.slack.com/services/T0AAAA/B0BBBB/abcdefghijklmnopqrstuvwx" }
  - { type: teams, url: "\${env:TEAMS_URL}", on: [fail] }
`,
      {
        env: {
          TEAMS_URL: 'https://prod.example/workflows/1/invoke?api-version=1&sig=SIGsigSIGsig0123456789',
        },
      },
    );
    expect(spec.notify![0]!.on).toEqual(['fail', 'inconclusive', 'recovery']);
    const secrets = secretsOfSpec(spec);
    expect(secrets.scrub('POST /services/T0AAAA/B0BBBB/abcdefghijklmnopqrstuvwx failed')).toBe(
      'POST *** failed',
    );
    expect(secrets.scrub('token abcdefghijklmnopqrstuvwx')).toBe('token ***');
    expect(secrets.scrub('sig=SIGsigSIGsig0123456789')).toBe('sig=***');
    expect(
      secrets.scrub('https://prod.example/workflows/1/invoke?api-version=1&sig=SIGsigSIGsig0123456789'),
    ).toBe('***');
  });

  it('names a bad target field and how to fix it', () => {
    const bad = () =>
      loadSpec(
        `${base}notify:\n  - { type: email, url: "ftp://x" }\n  - { type: slack, url: "\${env:NOPE}" }\n`,
        {
          env: {},
        },
      );
    expect(bad).toThrow(SpecError);
    expect(bad).toThrow(/notify\[0\]\.type: must be one of "webhook", "slack", "teams"/);
    expect(bad).toThrow(/notify\[1\]\.url/);
  });
});
