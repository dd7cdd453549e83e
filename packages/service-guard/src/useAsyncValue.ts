import { useCallback, useEffect, useRef, useState } from 'react';

/** The state of a value being loaded. */
export type AsyncValue<T> =
  | { status: 'loading' }
  | { status: 'error'; error: Error }
  | { status: 'ready'; value: T };

/**
 * Loads a value, again whenever `key` changes; `reload` runs it again. A result that arrives after the
 * component unmounted, or after a newer load started, is dropped.
 */
export function useAsyncValue<T>(load: () => Promise<T>, key: string): [AsyncValue<T>, () => void] {
  const [state, setState] = useState<AsyncValue<T>>({ status: 'loading' });
  const generation = useRef(0);
  const latest = useRef(load);
  latest.current = load;
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState({ status: 'loading' });
    latest.current().then(
      (value) => {
        if (mine === generation.current) setState({ status: 'ready', value });
      },
      (e: unknown) => {
        if (mine === generation.current)
          setState({ status: 'error', error: e instanceof Error ? e : new Error(String(e)) });
      },
    );
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is what decides a new load
  useEffect(() => {
    run();
    return () => {
      generation.current++;
    };
  }, [run, key]);
  return [state, run];
}
