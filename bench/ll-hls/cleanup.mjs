/** Stops of everything the benchmark started and has not stopped yet. */
const stops = new Set();

/**
 * Registers `stop` to run when the benchmark ends or is interrupted (Ctrl-C).
 * @param {() => unknown} stop stops one process or removes one temporary folder; may be async.
 * @returns {() => Promise<void>} runs `stop` now (once, however often it is called) and unregisters it.
 */
export function onCleanup(stop) {
  let done;
  const run = () => {
    stops.delete(run);
    done ??= Promise.resolve().then(stop);
    return done;
  };
  stops.add(run);
  return run;
}

/** Runs every registered stop, newest first; a failing stop is reported on stderr and the others still run. */
export async function cleanUpAll() {
  for (const run of [...stops].reverse()) {
    await run().catch((err) => console.error(`cleanup: ${String(err)}`));
  }
}
