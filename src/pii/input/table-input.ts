export type Cell = string | null;
export type Row = Cell[];

/** Receives a table row by row; `columns` may be called again when a JSON Lines record adds keys. */
export interface RowSink {
  columns(names: readonly string[]): void;
  /**
   * Values aligned with the latest column list (a shorter row means missing values). A returned
   * promise asks the reader to wait before the next row (backpressure).
   */
  row(values: Row): void | Promise<void>;
}

/** How the rows were drawn, reported with the result. */
export interface SampleMethod {
  /** `all-rows`: the whole file (full scan, or smaller than the sample); `reservoir`: one pass, uniform;
   * `random-blocks`: reads at seeded random offsets; `row-groups`: seeded random row ranges of a Parquet file. */
  method: 'all-rows' | 'reservoir' | 'random-blocks' | 'row-ranges';
  seed?: number;
  requestedRows?: number;
  rows: number;
  blocks?: number;
  /** Bytes read from the file, to show how little of a large file a sample costs. */
  bytesRead: number;
}

export interface TableRead {
  /** Data rows in the file: exact unless `rowsEstimated`. */
  totalRows: number;
  rowsEstimated: boolean;
  sample: SampleMethod;
}

export interface SampleOptions {
  rows: number;
  seed: number;
  blocks: number;
}

export interface TableInput {
  /** Every row, streamed with bounded memory. */
  scanAll(sink: RowSink): Promise<TableRead>;
  /** A deterministic sample of about `rows` rows. */
  sample(sink: RowSink, options: SampleOptions): Promise<TableRead>;
}
