import { STARTED } from './scripts.js';

/** What a remote script printed: its `key=value` lines and its `== name` sections. */
export interface ScriptOutput {
  /** Whether the script ran at all (it prints STARTED first; a refusing sudo prints nothing). */
  readonly started: boolean;
  /** The last value printed for each key. */
  readonly values: ReadonlyMap<string, string>;
  /** Every value printed for each key, in order. */
  readonly all: ReadonlyMap<string, readonly string[]>;
  readonly sections: ReadonlyMap<string, readonly string[]>;
}

/** Parses a script's standard output. */
export function parseScriptOutput(stdout: string): ScriptOutput {
  const lines = stdout.split('\n');
  const all = new Map<string, string[]>();
  const sections = new Map<string, string[]>();
  let section: string[] | undefined;
  for (const line of lines) {
    if (section !== undefined) {
      if (line === '== end') section = undefined;
      else section.push(line);
      continue;
    }
    const header = /^== (\S+)$/.exec(line);
    if (header?.[1] !== undefined) {
      section = [];
      sections.set(header[1], section);
      continue;
    }
    const pair = /^([a-z0-9-]+)=(.*)$/.exec(line);
    if (pair?.[1] !== undefined) {
      const values = all.get(pair[1]) ?? [];
      values.push(pair[2] ?? '');
      all.set(pair[1], values);
    }
  }
  const values = new Map([...all].map(([key, list]) => [key, list[list.length - 1] ?? '']));
  return { started: lines[0] === STARTED, values, all, sections };
}
