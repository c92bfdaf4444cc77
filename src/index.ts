/** The entry point the runner starts: all logic lives in main.ts. */
import { run } from './main.js';

await run();
