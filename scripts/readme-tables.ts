/**
 * The README's inputs and outputs tables, made from action.yml, so the two
 * never disagree. `npm run docs` rewrites them; a unit test fails when the
 * README holds anything else.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Entry {
  readonly description?: string;
  readonly default?: string;
}
interface ActionYml {
  readonly inputs: Record<string, Entry>;
  readonly outputs: Record<string, Entry>;
}

/** The two tables, each between its markers, as the README must hold them. */
export function renderTables(actionYml: string): Record<'inputs' | 'outputs', string> {
  const action = parse(actionYml) as ActionYml;
  const cell = (text: string): string => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  const inputs = Object.entries(action.inputs).map(
    ([name, entry]) =>
      `| \`${name}\` | ${entry.default === undefined ? '' : `\`${entry.default}\``} | ${cell(entry.description ?? '')} |`,
  );
  const outputs = Object.entries(action.outputs).map(
    ([name, entry]) => `| \`${name}\` | ${cell(entry.description ?? '')} |`,
  );
  return {
    inputs: ['| input | default | what it is |', '| --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| output | what it is |', '| --- | --- |', ...outputs].join('\n'),
  };
}

/** The README with both tables replaced by what action.yml says. */
export function updateReadme(readme: string, actionYml: string): string {
  const tables = renderTables(actionYml);
  let text = readme;
  for (const name of ['inputs', 'outputs'] as const) {
    const pattern = new RegExp(
      `(<!-- ${name}:start -->\\n<!-- prettier-ignore-start -->\\n)[\\s\\S]*?(<!-- prettier-ignore-end -->\\n<!-- ${name}:end -->)`,
    );
    if (!pattern.test(text)) throw new Error(`README.md has no ${name} markers`);
    text = text.replace(
      pattern,
      (_, start: string, end: string) => `${start}${tables[name]}\n${end}`,
    );
  }
  return text;
}

if (process.argv[1]?.endsWith('readme-tables.ts')) {
  const readme = readFileSync('README.md', 'utf8');
  writeFileSync('README.md', updateReadme(readme, readFileSync('action.yml', 'utf8')));
}
