import { isUtf8 } from 'node:buffer';

export type TextEncoding = 'utf-8' | 'latin1';

/** Bytes that may end in the middle of a UTF-8 sequence: drop up to 3 trailing bytes of one. */
export function completeUtf8Prefix(bytes: Buffer): Buffer {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = bytes[end - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  return bytes.subarray(0, end);
}

/**
 * UTF-8 when the first bytes decode as UTF-8, else Latin-1 (every byte is a Latin-1 character,
 * so the choice is only ever between the two). UTF-16 and binary files are refused: their NUL
 * bytes never occur in a text table.
 * Returns the encoding, or an error message.
 */
export function detectEncoding(head: Buffer): TextEncoding | { error: string } {
  if (head[0] === 0xff && head[1] === 0xfe) return { error: 'UTF-16 (little-endian BOM) is not supported: re-encode the file as UTF-8' };
  if (head[0] === 0xfe && head[1] === 0xff) return { error: 'UTF-16 (big-endian BOM) is not supported: re-encode the file as UTF-8' };
  const nul = head.indexOf(0);
  if (nul >= 0) return { error: `byte ${nul} is NUL: this is not a text file (binary, or UTF-16 without a BOM)` };
  return isUtf8(completeUtf8Prefix(head)) ? 'utf-8' : 'latin1';
}

/**
 * Checks UTF-8 chunk by chunk, carrying an incomplete sequence across chunk boundaries, so a
 * file that started as UTF-8 and turns out not to be is refused with the byte offset.
 */
export class Utf8Checker {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;

  /** The offset of the first invalid chunk, or -1. */
  push(chunk: Buffer): number {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const complete = completeUtf8Prefix(bytes);
    const start = this.offset;
    if (!isUtf8(complete)) return start;
    this.carry = Buffer.from(bytes.subarray(complete.length));
    this.offset += complete.length;
    return -1;
  }

  /** -1 if the file ended on a complete character. */
  end(): number {
    return this.carry.length && !isUtf8(this.carry) ? this.offset : -1;
  }
}
