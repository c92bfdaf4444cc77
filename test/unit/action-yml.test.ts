import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Input, Output } from '../../src/constants.js';
import { updateReadme } from '../../scripts/readme-tables.ts';

interface ActionYml {
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
  inputs: Record<string, { description?: string; default?: string }>;
  outputs: Record<string, { description?: string }>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml;

describe('action.yml', () => {
  it('runs the bundle on the runner’s Node 24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).toBeTruthy();
  });

  it('declares exactly the inputs and outputs the code knows, each described', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort());
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort());
    for (const entry of [...Object.values(action.inputs), ...Object.values(action.outputs)]) {
      expect(entry.description?.length).toBeGreaterThan(10);
    }
  });
});

describe('README', () => {
  it('holds the inputs and outputs tables of action.yml, word for word (npm run docs rewrites them)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toBe(updateReadme(readme, readFileSync('action.yml', 'utf8')));
  });
});
