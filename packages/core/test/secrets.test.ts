import { describe, expect, it } from 'vitest';
import { keepEnvSecrets, loadSpec, Secrets, secretsOfProvider, secretsOfSpec } from '../src/index.ts';

describe('the secret registry', () => {
  it('scrubs a value in any case, URL-encoded both ways, base64 and JSON-escaped', () => {
    const s = new Secrets().add('Key/With Space+Plus"q');
    const v = 'Key/With Space+Plus"q';
    for (const form of [
      v,
      v.toLowerCase(),
      v.toUpperCase(),
      encodeURIComponent(v),
      encodeURIComponent(v).toLowerCase(),
      new URLSearchParams({ v }).toString().slice(2),
      encodeURI(v),
      btoa(v),
      JSON.stringify(v).slice(1, -1),
    ]) {
      expect(s.scrub(`before ${form} after`)).toBe('before *** after');
    }
  });

  it('registers the parts of a credential: the token after Bearer, the pair and password inside Basic', () => {
    const s = new Secrets().add('Bearer tok-Abc123').add(`Basic ${btoa('alice:pw-Xyz789')}`);
    expect(s.scrub('echo tok-abc123')).toBe('echo ***');
    expect(s.scrub('user alice:pw-Xyz789 / PW-XYZ789')).toBe('user *** / ***');
    expect(s.values()).toEqual(
      expect.arrayContaining([
        'tok-Abc123',
        'alice:pw-Xyz789',
        'pw-Xyz789',
        `Basic ${btoa('alice:pw-Xyz789')}`,
      ]),
    );
  });

  it('leaves short values and ordinary text alone, and scrubs nested JSON values and keys', () => {
    const s = new Secrets().add('abc').add('Sekret-42');
    expect(s.size).toBe(1);
    expect(s.scrub('abc def')).toBe('abc def');
    expect(s.scrubDeep({ a: ['x sekret-42 y', 3], 'Sekret-42': null })).toEqual({
      a: ['x *** y', 3],
      '***': null,
    });
  });

  it('finds every value a spec took from the environment, wherever it was used, and secret fields', () => {
    const spec = loadSpec(
      `apiVersion: vigil/v1
service: s
providers:
  h: { type: http, url: "http://x/q?k=\${env:S1}", headers: { X-A: "\${env:S2}" }, pick: { points: "$", timestamp: "$", value: "$", instance: "$" } }
  p: { type: prometheus, url: "http://p", auth: { type: basic, username: bob, password: literal-pw-1 } }
metrics: [{ name: m, query: q, provider: h }]
`,
      { env: { S1: 'query-secret-1', S2: 'header-secret-2' } },
    );
    const s = secretsOfSpec(spec);
    expect(s.values()).toEqual(
      expect.arrayContaining(['query-secret-1', 'header-secret-2', 'literal-pw-1', 'bob:literal-pw-1']),
    );
    // a copy keeps them when made with keepEnvSecrets
    expect(secretsOfSpec(keepEnvSecrets(spec, { ...spec })).values()).toContain('query-secret-1');
    expect(secretsOfProvider({ type: 'dynatrace', token: 'dt0c01.ABC' }).values()).toEqual(['dt0c01.ABC']);
  });
});
