import { createRequire as __fsdCreateRequire } from 'node:module';
import { fileURLToPath as __fsdFileURLToPath } from 'node:url';
import { dirname as __fsdDirname } from 'node:path';
const require = __fsdCreateRequire(import.meta.url);
const __filename = __fsdFileURLToPath(import.meta.url);
const __dirname = __fsdDirname(__filename);
import {
  run
} from "./chunks/chunk-HE6HVNSW.js";
import "./chunks/chunk-NBGBIDAD.js";

// src/index.ts
await run();
