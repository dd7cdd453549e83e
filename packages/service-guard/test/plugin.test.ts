import './support/setup.ts';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_SERVICE_GUARD } from '@vigil/backstage-plugin-service-guard-common';
import { isServiceGuardAvailable, isServiceGuardTabAvailable } from '../src/conditions.ts';
import { entity } from './support/fixtures.ts';

describe('isServiceGuardAvailable', () => {
  it('is true only for entities whose annotation names a profile', () => {
    expect(isServiceGuardAvailable(entity('a', { [ANNOTATION_SERVICE_GUARD]: 'web' }))).toBe(true);
    expect(isServiceGuardAvailable(entity('b', { [ANNOTATION_SERVICE_GUARD]: '  ' }))).toBe(false);
    expect(isServiceGuardAvailable(entity('c', { 'prometheus.io/service-name': 'c' }))).toBe(false);
    expect(isServiceGuardAvailable(entity('d'))).toBe(false);
  });
});

describe('isServiceGuardTabAvailable', () => {
  it('gives the tab to opted-in entities and to every component, which it tells how to opt in', () => {
    expect(isServiceGuardTabAvailable(entity('a', { [ANNOTATION_SERVICE_GUARD]: 'web' }))).toBe(true);
    // legacy-billing in the portal: a component without the annotation.
    expect(isServiceGuardTabAvailable(entity('legacy-billing'))).toBe(true);
    const group = { ...entity('team-a'), kind: 'Group', spec: {} };
    expect(isServiceGuardTabAvailable(group)).toBe(false);
    const optedInApi = { ...entity('api', { [ANNOTATION_SERVICE_GUARD]: 'web' }), kind: 'API' };
    expect(isServiceGuardTabAvailable(optedInApi)).toBe(true);
  });
});
