import { closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemplateMiner, csvField, type ShapeRef } from '@vigil/core';

const BLOCK_BITS = 18;
const BLOCK = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK - 1;

/**
 * `vigil logs parse` in bounded memory. The input is read in chunks and split into lines as it comes; each
 * line is handed to the miner at once and only a 4-byte index of its shape is kept per line (never the
 * line), in blocks written to a temporary file as they fill. Shapes the miner lets go of are swapped for
 * compact stand-ins as it does. When the input ends, every distinct shape is resolved once to its final
 * template, and the CSV is written in a second pass that reads the index back block by block, in chunks,
 * waiting whenever the output asks to.
 * Memory: the miner (capped in clusters and shapes), one slot per distinct shape and one CSV tail per
 * distinct template, and one block of the index; nothing that grows with the number of lines. Disk: 4 bytes
 * per line in the temporary folder (`TMPDIR`), removed when the parse ends, also when it fails.
 */
export async function parseLogStream(
  input: string,
  out: NodeJS.WritableStream,
  messageOf: (line: string) => string,
): Promise<{ lines: number; templates: number }> {
  // Index of each shape (or stand-in) still held; a shape the miner releases is swapped for its compact
  // stand-in under the same index, so that its tokens and its group are not kept until the end.
  const shapeIndex = new Map<ShapeRef, number>();
  const shapes: ShapeRef[] = [];
  const miner = createTemplateMiner({
    onRelease(shape, standIn) {
      const k = shapeIndex.get(shape);
      if (k === undefined) return;
      shapeIndex.delete(shape);
      shapes[k] = standIn;
    },
  });
  const index = new IndexFile();
  try {
    await forEachLine(input, (line) => {
      const ref = miner.current(miner.addShape(messageOf(line)));
      let k = shapeIndex.get(ref);
      if (k === undefined) {
        k = shapes.length;
        shapes.push(ref);
        shapeIndex.set(ref, k);
      }
      if (index.push(k)) collectGarbage();
    });
    index.finish();

    // Each distinct template's CSV tail (",EventId,EventTemplate\n"), made once; each shape points at its
    // tail. The shapes are let go before the output is written, so the miner's memory can be reclaimed.
    shapeIndex.clear();
    collectGarbage();
    const tails: string[] = [];
    const tailOfId = new Map<string, number>();
    const tailOfShape = new Uint32Array(shapes.length);
    shapes.forEach((ref, k) => {
      const m = miner.resolve(ref);
      let t = tailOfId.get(m.clusterId);
      if (t === undefined) {
        t = tails.length;
        tails.push(`,${csvField(m.clusterId)},${csvField(m.template)}\n`);
        tailOfId.set(m.clusterId, t);
      }
      tailOfShape[k] = t;
    });
    shapes.length = 0;
    tailOfId.clear();
    collectGarbage();

    let buffer = 'LineId,EventId,EventTemplate\n';
    let line = 0;
    for (const block of index.blocks()) {
      for (let i = 0; i < block.length; i++) {
        line++;
        buffer += `${line}${tails[tailOfShape[block[i]!]!]}`;
        if (buffer.length >= 1 << 20) {
          if (!out.write(buffer)) await once(out, 'drain');
          buffer = '';
        }
      }
      collectGarbage();
    }
    if (buffer !== '' && !out.write(buffer)) await once(out, 'drain');
    return { lines: index.count, templates: tails.length };
  } finally {
    index.remove();
  }
}

/**
 * Calls `add` with each line of the file at `path`: split by \n (a \r before it is dropped); a last line
 * without \n counts, an empty last one does not. Each line is decoded from the bytes on its own, so that no
 * string the miner keeps (a recent message, a shape's tokens) is a slice pinning a whole chunk of the input
 * in memory. \n never occurs inside a multi-byte UTF-8 character, so splitting the bytes is safe.
 */
async function forEachLine(path: string, add: (line: string) => void): Promise<void> {
  let rest: Buffer | null = null;
  const lineOf = (buf: Buffer, start: number, end: number) =>
    buf.toString('utf8', start, end > start && buf[end - 1] === 13 ? end - 1 : end);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      add(lineOf(buf, start, nl));
      start = nl + 1;
    }
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
  }
  if (rest) add(lineOf(rest, 0, rest.length));
}

/**
 * The shape index of every line, in order, kept in a temporary file: one block of 262,144 entries (1 MB) in
 * memory, written out as it fills and read back one block at a time. Synchronous I/O: a 1 MB write every
 * quarter million lines, on a command that does nothing else meanwhile.
 */
class IndexFile {
  readonly #dir = mkdtempSync(join(tmpdir(), 'vigil-logs-parse-'));
  readonly #path = join(this.#dir, 'index.u32');
  #fd: number | null = openSync(this.#path, 'w+', 0o600);
  readonly #block = new Uint32Array(BLOCK);
  count = 0;

  /** Appends one line's shape index; true when a block was just written out (a moment to collect garbage). */
  push(k: number): boolean {
    this.#block[this.count & BLOCK_MASK] = k;
    this.count++;
    if ((this.count & BLOCK_MASK) !== 0) return false;
    this.#write(BLOCK);
    return true;
  }

  /** Writes the last, partial block. */
  finish(): void {
    const n = this.count & BLOCK_MASK;
    if (n > 0) this.#write(n);
  }

  /** The index back, block by block, in line order (each view is valid until the next one). */
  *blocks(): Generator<Uint32Array> {
    const bytes = new Uint8Array(this.#block.buffer);
    for (let read = 0; read < this.count; read += BLOCK) {
      const n = Math.min(BLOCK, this.count - read);
      readFully(this.#fd!, bytes, n * 4, read * 4);
      yield this.#block.subarray(0, n);
    }
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  /** Closes and deletes the file and its folder. */
  remove(): void {
    this.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #write(entries: number): void {
    const bytes = new Uint8Array(this.#block.buffer, 0, entries * 4);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.#fd!, bytes, done, bytes.length - done);
  }
}

function readFully(fd: number, into: Uint8Array, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position + done);
    if (n === 0)
      throw new Error(`logs parse: the temporary index file ended early (${position + done} bytes)`);
    done += n;
  }
}

/**
 * A full collection every block of lines (262,144), and between the phases, when the process runs with
 * --expose-gc, as `vigil logs parse` does. What the parse keeps is small, but V8 lets the old generation grow
 * with its garbage (dropped shapes, the output's string pieces promoted in passing) far beyond it: 577 MB
 * resident on a 1 GB log, most of it reached while writing the output, with under 130 MB in use. A forced
 * collection costs milliseconds per block against the second or so it takes to read or write one; there is no
 * heap cap, so no input that fits in memory can make the process run out of it.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
