import type { Row, RowSink } from '../../src/pii/input/table-input';

/** A row sink that keeps everything it is given, for the input readers' tests. */
export class CollectRows implements RowSink {
  names: string[] = [];
  rows: Row[] = [];
  columns(names: readonly string[]): void {
    this.names = [...names];
  }
  row(values: Row): void {
    this.rows.push(values);
  }
}
