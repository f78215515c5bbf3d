import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { POLICY_CHANNEL } from './policy.repository';

const MAX_DELAY_MS = 2_000;

/**
 * Wraps a reload so calls run one after another (the newest always wins) and a failed one does not
 * poison the chain: the next notification or periodic reload tries again.
 */
export function serialised(reload: () => Promise<void>): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => (last = last.catch(() => undefined).then(reload));
}

/**
 * Listens for policy changes (or, given another channel, any change every replica must pick up)
 * on PostgreSQL's LISTEN/NOTIFY channel and calls `onChange`
 * (debounced, so a burst of edits costs one reload). On a lost connection it reconnects and
 * reloads, since notifications sent meanwhile are gone.
 */
export class PolicyWatcher {
  private readonly logger = new Logger(PolicyWatcher.name);
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** How long the last onChange took: the next one waits at least a multiple of it. */
  private lastRunMs = 0;
  private periodic?: NodeJS.Timeout;

  constructor(
    private readonly databaseUrl: string,
    private readonly onChange: () => Promise<void>,
    private readonly debounceMs = 25,
    private readonly periodicMs = 60_000,
    private readonly channel = POLICY_CHANNEL,
  ) {}

  async start(): Promise<void> {
    // keepAlive: a connection dropped silently (NAT, failover) must error out so we reconnect.
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'charter-policy-watcher', keepAlive: true });
    client.on('notification', () => this.schedule());
    client.on('error', (error) => {
      this.logger.warn(`policy watcher connection lost: ${error.message}`);
      void this.reconnect(client);
    });
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
    // A safety net for notifications lost in ways the connection does not report.
    if (this.periodicMs > 0) this.periodic ??= setInterval(() => this.schedule(), this.periodicMs).unref();
  }

  private async reconnect(failed: Client, delayMs = 500): Promise<void> {
    if (this.stopped || this.client !== failed) return;
    this.client = undefined;
    await failed.end().catch(() => undefined);
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, delayMs));
      try {
        await this.start();
        this.schedule();
        return;
      } catch (error) {
        this.logger.warn(`policy watcher reconnect failed: ${(error as Error).message}`);
        delayMs = Math.min(delayMs * 2, 10_000);
      }
    }
  }

  /**
   * Debounced, and paced by the reload's own cost: under a stream of changes (grants being made
   * every few milliseconds) a reload that takes R ms runs at most every 8R ms, so reloading never
   * takes more than a ninth of the process's time however large the policy grows — but never waits
   * more than MAX_DELAY_MS, which bounds how long a revocation takes to reach another replica.
   */
  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const started = performance.now();
        this.onChange()
          .catch((error: Error) => this.logger.error(`policy reload failed: ${error.message}`))
          .finally(() => (this.lastRunMs = performance.now() - started));
      },
      Math.min(MAX_DELAY_MS, Math.max(this.debounceMs, 8 * this.lastRunMs)),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.periodic) clearInterval(this.periodic);
    await this.client?.end().catch(() => undefined);
  }
}
