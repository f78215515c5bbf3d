import { promises as fs } from 'node:fs';
import { prng, stratifiedOffsets } from './prng';

export interface Block {
  /** Whole lines only: from just after the first newline at or past the offset to the last newline. */
  bytes: Buffer;
  offset: number;
}

/**
 * Reads `count` blocks of `width` bytes at seeded, stratified random offsets in [from, size), each
 * trimmed to whole lines. Used for CSV and JSON Lines samples of large files: the cost is
 * count × width bytes whatever the file's size.
 */
export async function readRandomBlocks(file: string, from: number, size: number, count: number, width: number, seed: number): Promise<Block[]> {
  const handle = await fs.open(file, 'r');
  try {
    const offsets = stratifiedOffsets(from, size, count, width, prng(seed));
    const blocks: Block[] = [];
    for (const offset of offsets) {
      const buffer = Buffer.alloc(Math.min(width, size - offset));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      const data = buffer.subarray(0, bytesRead);
      // The block starts inside some line unless it starts right after a newline.
      const first = offset === from ? -1 : data.indexOf(10);
      const last = data.lastIndexOf(10);
      if (last <= first) continue;
      blocks.push({ bytes: data.subarray(first + 1, last + 1), offset: offset + first + 1 });
    }
    return blocks;
  } finally {
    await handle.close();
  }
}

export async function readHead(file: string, bytes: number): Promise<{ head: Buffer; size: number }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(bytes, size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}
