import { PiiInputError } from '../pii.errors';
import type { Cell, Row, RowSink } from './table-input';

const MAX_COLUMNS = 2000;

/**
 * Maps records (name -> value) onto a column list that grows as new keys appear, telling the
 * sink when it grows: JSON Lines and nested Parquet rows need not all have the same keys.
 */
export class ColumnMapper {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];

  constructor(
    private readonly sink: RowSink,
    private readonly file: string,
  ) {}

  row(cells: Map<string, Cell>): void | Promise<void> {
    const row: Row = new Array<Cell>(this.names.length).fill(null);
    let grew = false;
    for (const [name, cell] of cells) {
      let i = this.index.get(name);
      if (i === undefined) {
        if (this.names.length >= MAX_COLUMNS) throw new PiiInputError(this.file, `more than ${MAX_COLUMNS} distinct keys: not a table`);
        i = this.names.length;
        this.index.set(name, i);
        this.names.push(name);
        grew = true;
      }
      row[i] = cell;
    }
    if (grew) this.sink.columns([...this.names]);
    return this.sink.row(row);
  }
}
