// Bundles src/index.ts into dist/index.js: one ESM file that runs on the
// runner's Node with no node_modules. ssh2's optional native parts
// (cpu-features, sshcrypto.node) stay out: ssh2 loads them inside try/catch
// and falls back to pure JavaScript and Node's own crypto.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';

// ESM has no require or __dirname; the CommonJS packages in the bundle need both.
const banner = [
  "import { createRequire as __fsdCreateRequire } from 'node:module';",
  "import { fileURLToPath as __fsdFileURLToPath } from 'node:url';",
  "import { dirname as __fsdDirname } from 'node:path';",
  'const require = __fsdCreateRequire(import.meta.url);',
  'const __filename = __fsdFileURLToPath(import.meta.url);',
  'const __dirname = __fsdDirname(__filename);',
].join('\n');

mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/index.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: banner },
  external: ['cpu-features', '*.node'],
  legalComments: 'none',
  logLevel: 'warning',
});
// Marks dist/ as ESM on its own, so dist/index.js runs even when copied without package.json.
writeFileSync('dist/package.json', '{ "type": "module" }\n');
