/** The bundle's entry (dist/index.js): runs the Action. */
import { run } from './main.ts';

await run();
