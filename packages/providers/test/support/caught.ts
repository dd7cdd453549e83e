import { isProviderError, type ProviderError } from '../../src/errors.ts';

/** The ProviderError `p` rejects with; any other outcome (resolving, another error) fails the test. */
export async function caught(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    if (isProviderError(e)) return e;
    throw e;
  }
  throw new Error('expected a ProviderError');
}
