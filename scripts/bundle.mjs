// Bundles the action (src/index.ts → dist/index.js) and the command line
// (src/cli.ts → dist/cli.js), with the code they share in dist/chunks/: ESM
// files that run on Node with no node_modules. ssh2's optional native parts
// (cpu-features, sshcrypto.node) stay out: ssh2 loads them inside try/catch
// and falls back to pure JavaScript and Node's own crypto.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// @actions/core imports its OIDC client (and through it @actions/http-client
// with a second undici) at start-up; the action never uses it. See the stub.
const withoutOidc = {
  name: 'without-oidc',
  setup(build) {
    build.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
      args.importer.includes('@actions/core')
        ? { path: join(dirname(fileURLToPath(import.meta.url)), 'bundle', 'oidc-unused.js') }
        : undefined,
    );
  },
};

// ESM has no require or __dirname; the CommonJS packages in the bundle need both.
const banner = [
  "import { createRequire as __fsdCreateRequire } from 'node:module';",
  "import { fileURLToPath as __fsdFileURLToPath } from 'node:url';",
  "import { dirname as __fsdDirname } from 'node:path';",
  'const require = __fsdCreateRequire(import.meta.url);',
  'const __filename = __fsdFileURLToPath(import.meta.url);',
  'const __dirname = __fsdDirname(__filename);',
].join('\n');

// One build of both entries with code splitting: what only some runs need
// sits in chunks of its own that load on first use (undici for the probe, see
// src/probe/undici.ts; node-forge for pfx, see src/certificate/pkcs12.ts), so
// a run does not parse and evaluate them before its first SSH byte. Old chunks
// go first, so dist/ holds only what this build wrote.
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
await build({
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['cpu-features', '*.node'],
  loader: { '.yml': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [withoutOidc],
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: banner },
});
// The command line is run as a program, so it starts with a shebang.
writeFileSync('dist/cli.js', `#!/usr/bin/env node\n${readFileSync('dist/cli.js', 'utf8')}`);
chmodSync('dist/cli.js', 0o755);
// Marks dist/ as ESM on its own, so the bundles run even when copied without package.json.
writeFileSync('dist/package.json', '{ "type": "module" }\n');
