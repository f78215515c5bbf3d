/** A file the scanner cannot read as the table it claims to be. The message names the file and the fault. */
export class PiiInputError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'PiiInputError';
  }
}

/** Bad command-line or API arguments (exit code 2 in the CLI). */
export class PiiUsageError extends Error {
  override name = 'PiiUsageError';
}
