import { describe, expect, it } from 'vitest';
import {
  entityPath,
  isServiceGuardAvailable,
  serviceGuardFeedbackCreatePermission,
  serviceGuardPermissions,
  serviceGuardRunTriggerPermission,
} from '../src/index.ts';

describe('entityPath', () => {
  it('turns refs into lower-case, encoded path segments with the default namespace', () => {
    expect(entityPath('component:default/web')).toBe('component/default/web');
    expect(entityPath('Component:Payments/Checkout-API')).toBe('component/payments/checkout-api');
    expect(entityPath('component:web')).toBe('component/default/web');
    expect(entityPath({ kind: 'API', name: 'orders v2' })).toBe('api/default/orders%20v2');
  });

  it('rejects what is not an entity ref, saying the expected form', () => {
    expect(() => entityPath('web')).toThrow(/is not an entity ref of the form kind:namespace\/name/);
    expect(() => entityPath('component:a/b/c')).toThrow(TypeError);
  });
});

describe('permissions', () => {
  it('are basic permissions with the documented names', () => {
    expect(serviceGuardFeedbackCreatePermission).toEqual({
      type: 'basic',
      name: 'service-guard.feedback.create',
      attributes: { action: 'create' },
    });
    expect(serviceGuardRunTriggerPermission.name).toBe('service-guard.run.trigger');
    expect(serviceGuardPermissions.map((p) => p.name)).toEqual([
      'service-guard.feedback.create',
      'service-guard.run.trigger',
    ]);
  });
});

describe('isServiceGuardAvailable', () => {
  it('is true only for a non-empty vigil.dev/service-guard annotation', () => {
    const e = (annotations?: Record<string, string>) => ({ metadata: annotations ? { annotations } : {} });
    expect(isServiceGuardAvailable(e({ 'vigil.dev/service-guard': 'web' }))).toBe(true);
    expect(isServiceGuardAvailable(e({ 'vigil.dev/service-guard': ' ' }))).toBe(false);
    expect(isServiceGuardAvailable(e({ 'prometheus.io/service-name': 'web' }))).toBe(false);
    expect(isServiceGuardAvailable(e())).toBe(false);
  });
});
