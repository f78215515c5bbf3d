import { requestContext } from '../common/request-context';

interface Waiting<TItem, TResult> {
  item: TItem;
  resolve: (result: TResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a batch is being written wait and go together into the
 * next one, so N concurrent requests cost one transaction (and one WAL flush) instead of N. Each
 * caller's promise settles only after its batch committed. If a batch fails, its items are
 * retried one by one, so one bad item cannot fail the others. Writes run outside the submitting
 * request's context: a batch belongs to no single request and never joins its transaction.
 */
export class GroupCommitter<TItem, TResult> {
  private readonly waiting: Waiting<TItem, TResult>[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: TItem[]) => Promise<TResult[]>,
    /** How much of the queue one batch takes, measured by `sizeOf`. */
    private readonly maxBatchSize: number,
    private readonly sizeOf: (item: TItem) => number = () => 1,
  ) {}

  submit(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.takeBatch();
        try {
          const results = await requestContext.exit(() => this.write(batch.map((w) => w.item)));
          batch.forEach((w, i) => w.resolve(results[i]!));
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          else await this.writeOneByOne(batch);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private takeBatch(): Waiting<TItem, TResult>[] {
    let size = 0;
    let count = 0;
    while (count < this.waiting.length && (count === 0 || size + this.sizeOf(this.waiting[count]!.item) <= this.maxBatchSize)) {
      size += this.sizeOf(this.waiting[count]!.item);
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async writeOneByOne(batch: Waiting<TItem, TResult>[]): Promise<void> {
    for (const w of batch) {
      try {
        const [result] = await requestContext.exit(() => this.write([w.item]));
        w.resolve(result!);
      } catch (error) {
        w.reject(error);
      }
    }
  }
}
