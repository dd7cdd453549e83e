import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createTemplateMiner, csvField, type ShapeRef } from '@vigil/core';

const BLOCK_BITS = 18;
const BLOCK = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK - 1;

/**
 * `vigil logs parse` in bounded memory. The input is read in chunks and split into lines as it comes; each
 * line is handed to the miner at once and only a 4-byte index of its shape is kept per line (never the
 * line). Shapes the miner lets go of are swapped for compact stand-ins as it does. When the input ends, every distinct shape is resolved once to its final template, and the CSV is
 * written from the index array in a second pass, in chunks, waiting whenever the output asks to.
 * Memory: the miner (capped in clusters and shapes), one slot per distinct shape seen, and 4 bytes per line
 * (about 70 MB for 17 million lines), whatever the size of the lines.
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
  // Per line, the index of its shape, in fixed blocks (growing never copies, so no transient double).
  const blocks: Uint32Array[] = [];
  let count = 0;
  const add = (line: string) => {
    const ref = miner.current(miner.addShape(messageOf(line)));
    let k = shapeIndex.get(ref);
    if (k === undefined) {
      k = shapes.length;
      shapes.push(ref);
      shapeIndex.set(ref, k);
    }
    if ((count & BLOCK_MASK) === 0) {
      blocks.push(new Uint32Array(BLOCK));
      collectGarbage();
    }
    blocks[count >>> BLOCK_BITS]![count & BLOCK_MASK] = k;
    count++;
  };

  // Lines split by \n (a \r before it is dropped); a last line without \n counts, an empty last one does not.
  // Each line is decoded from the bytes on its own, so that no string the miner keeps (a recent message, a
  // shape's tokens) is a slice pinning a whole chunk of the input in memory. \n never occurs inside a
  // multi-byte UTF-8 character, so splitting the bytes is safe.
  let rest: Buffer | null = null;
  const lineOf = (buf: Buffer, start: number, end: number) =>
    buf.toString('utf8', start, end > start && buf[end - 1] === 13 ? end - 1 : end);
  for await (const chunk of createReadStream(input, { highWaterMark: 1 << 20 })) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      add(lineOf(buf, start, nl));
      start = nl + 1;
    }
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
  }
  if (rest) add(lineOf(rest, 0, rest.length));

  // Each distinct template's CSV tail (",EventId,EventTemplate\n"), made once; each shape points at its tail.
  // The shapes are let go before the output is written, so the miner's memory can be reclaimed meanwhile.
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
  const templates = tails.length;

  let buffer = 'LineId,EventId,EventTemplate\n';
  for (let i = 0; i < count; i++) {
    buffer += `${i + 1}${tails[tailOfShape[blocks[i >>> BLOCK_BITS]![i & BLOCK_MASK]!]!]}`;
    if (buffer.length >= 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
    if ((i & BLOCK_MASK) === BLOCK_MASK) collectGarbage();
  }
  if (buffer !== '' && !out.write(buffer)) await once(out, 'drain');
  return { lines: count, templates };
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
