/**
 * Node globals that Backstage's browser code expects (the Backstage CLI's webpack build provides them too):
 * the catalog page's CSV export uses `Buffer`, its stream package `process.nextTick`. Imported first by
 * main.tsx, before any Backstage module runs.
 */
import { Buffer } from 'buffer';
import process from 'process';

const g = globalThis as { Buffer?: unknown; process?: unknown };
g.Buffer ??= Buffer;
g.process ??= process;
