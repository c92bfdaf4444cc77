// Bundles the action (src/index.ts → dist/index.js) and the command line
// (src/cli.ts → dist/cli.js): ESM files that run on Node with no
// node_modules. ssh2's optional native parts (cpu-features, sshcrypto.node)
// stay out: ssh2 loads them inside try/catch and falls back to pure
// JavaScript and Node's own crypto.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';

// ESM has no require or __dirname; the CommonJS packages in the bundle need both.
const banner = [
  "import { createRequire as __fsdCreateRequire } from 'node:module';",
  "import { fileURLToPath as __fsdFileURLToPath } from 'node:url';",
  "import { dirname as __fsdDirname } from 'node:path';",
  'const require = __fsdCreateRequire(import.meta.url);',
  'const __filename = __fsdFileURLToPath(import.meta.url);',
  'const __dirname = __fsdDirname(__filename);',
].join('\n');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['cpu-features', '*.node'],
  loader: { '.yml': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
};

mkdirSync('dist', { recursive: true });
await build({
  ...common,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  banner: { js: banner },
});
// The command line is run as a program, so it starts with a shebang.
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${banner}` },
});
chmodSync('dist/cli.js', 0o755);
// Marks dist/ as ESM on its own, so the bundles run even when copied without package.json.
writeFileSync('dist/package.json', '{ "type": "module" }\n');
