/**
 * The small protocol between a benchmark (parent, load generator) and the server under test
 * (child process, started with `fork`). The child announces its port once it listens; the parent
 * then sends requests (`memory`, bench-specific ones, `stop`) and awaits one reply for each.
 *
 * Kept apart from support.ts so a server process loads nothing of the load generator (autocannon,
 * pg, the identity provider), and its memory figures are its own.
 */

export interface ReadyMessage {
  kind: 'ready';
  port: number;
}

export interface RequestMessage {
  id: number;
  kind: string;
  payload?: unknown;
}

export type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface MemoryFigures {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

export function memoryFigures(): MemoryFigures {
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round((n / 1_048_576) * 10) / 10;
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external) };
}

/** Answers one request; may return a promise. */
export type Handler = (payload: unknown) => unknown;

/**
 * Child side: reports `ready`, answers requests with `handlers` (plus `memory`), and on `stop`
 * or when the parent goes away runs `stop` and exits.
 */
export function serveParent(port: number, handlers: Record<string, Handler>, stop: () => Promise<void>): void {
  if (!process.send) throw new Error('this is a benchmark server: start it with child_process.fork from a bench script');
  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code), 5_000).unref();
    stop().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  const all: Record<string, Handler> = { memory: () => memoryFigures(), ...handlers };
  process.on('message', (raw: RequestMessage) => {
    if (raw.kind === 'stop') {
      process.send!({ id: raw.id, ok: true, result: null } satisfies ReplyMessage);
      shutdown(0);
      return;
    }
    const handler = all[raw.kind];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request ${raw.kind}`);
        return handler(raw.payload);
      })
      .then(
        (result) => process.send!({ id: raw.id, ok: true, result } satisfies ReplyMessage),
        (error: unknown) =>
          process.send!({ id: raw.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ReplyMessage),
      );
  });
  // The parent died or closed the channel: never leave a server behind.
  process.on('disconnect', () => shutdown(0));
  process.send({ kind: 'ready', port } satisfies ReadyMessage);
}

/** Reports a start-up failure to the parent (which prints it) and exits. */
export function failStartup(error: unknown): never {
  process.stderr.write(`bench server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
