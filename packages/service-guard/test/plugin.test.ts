import './support/setup.ts';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_SERVICE_GUARD } from '@vigil/backstage-plugin-service-guard-common';
import { isServiceGuardAvailable } from '../src/conditions.ts';
import { entity } from './support/fixtures.ts';

describe('isServiceGuardAvailable', () => {
  it('is true only for entities whose annotation names a profile', () => {
    expect(isServiceGuardAvailable(entity('a', { [ANNOTATION_SERVICE_GUARD]: 'web' }))).toBe(true);
    expect(isServiceGuardAvailable(entity('b', { [ANNOTATION_SERVICE_GUARD]: '  ' }))).toBe(false);
    expect(isServiceGuardAvailable(entity('c', { 'prometheus.io/service-name': 'c' }))).toBe(false);
    expect(isServiceGuardAvailable(entity('d'))).toBe(false);
  });
});
