type UndiciExports = typeof import('./undici-exports.js');

let loading: Promise<UndiciExports> | undefined;

/**
 * undici, evaluated on first use rather than at start-up. Evaluating it costs
 * about 0.1 s, which would delay the first SSH byte of every run (and every
 * run that fails on its inputs). The probe calls this on its first poll, which
 * a deploy starts once the install runs, so it loads while the server restarts
 * the app.
 */
export function loadUndici(): Promise<UndiciExports> {
  loading ??= import('./undici-exports.js');
  return loading;
}
