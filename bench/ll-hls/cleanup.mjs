import { existsSync } from 'node:fs';

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

/**
 * The entry point of a benchmark: checks the services are built, stops everything the run started on SIGINT,
 * SIGTERM or an uncaught exception, and prints what `run` returns (the Markdown results) on stdout.
 * @param {{ tag: string, built: readonly string[], run: () => Promise<string> }} options tag: the benchmark's name in
 *   progress lines; built: paths under the repository root that `npm run build` makes and the run needs.
 * @returns {Promise<void>} once the results are printed (process.exitCode 1 when the run failed).
 */
export async function benchMain({ tag, built, run }) {
  const root = new URL('../../', import.meta.url);
  const missing = built.filter((path) => !existsSync(new URL(path, root)));
  if (missing.length > 0) {
    console.error(`not built: ${missing.join(', ')}; run \`npm run build\` at the repository root`);
    process.exit(2);
  }
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`[${tag}] ${signal}: stopping what was started`);
      void cleanUpAll().finally(() => process.exit(130));
    });
  }
  process.once('uncaughtException', (err) => {
    console.error(err);
    void cleanUpAll().finally(() => process.exit(1));
  });
  try {
    console.log(await run());
  } catch (err) {
    if (!interrupted) console.error(err);
    process.exitCode = 1;
  } finally {
    await cleanUpAll();
  }
}
