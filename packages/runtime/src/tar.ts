import { gzipSync } from 'node:zlib';

/** One file of an archive. */
export interface ArchiveEntry {
  name: string;
  content: string | Buffer;
}

/**
 * A gzipped POSIX ustar archive of small files, readable by `tar -xzf` everywhere. Written here because the
 * flare bundle needs only flat files of a few megabytes, which a 40-line writer does exactly.
 */
export function tarGz(entries: ArchiveEntry[], mtime = Math.floor(Date.now() / 1000)): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.content === 'string' ? Buffer.from(e.content, 'utf8') : e.content;
    if (Buffer.byteLength(e.name) > 100) throw new Error(`archive entry name too long: ${e.name}`);
    const header = Buffer.alloc(512, 0);
    header.write(e.name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 8, 'ascii');
    header.write('0000000\0', 108, 8, 'ascii');
    header.write('0000000\0', 116, 8, 'ascii');
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
    header.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136, 12, 'ascii');
    header.write('        ', 148, 8, 'ascii');
    header.write('0', 156, 1, 'ascii');
    header.write('ustar\0', 257, 6, 'ascii');
    header.write('00', 263, 2, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(blocks));
}
