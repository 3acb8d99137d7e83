import { useCallback, useEffect, useState } from "preact/hooks";

/**
 * @template T
 * @typedef {{ data: T | null, error: unknown, loading: boolean, reload: () => void }} Loaded
 */

/**
 * Runs `load` when `deps` change (and on reload); answers of a superseded run are dropped.
 * @template T
 * @param {() => Promise<T>} load
 * @param {unknown[]} deps
 * @returns {Loaded<T>}
 */
export function useLoad(load, deps) {
  const [state, setState] = useState(/** @type {{ data: T | null, error: unknown, loading: boolean }} */ ({ data: null, error: null, loading: true }));
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => {
        if (current) setState({ data, error: null, loading: false });
      },
      (error) => {
        if (current) setState({ data: null, error, loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
