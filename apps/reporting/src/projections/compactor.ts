import type { DataSource } from 'typeorm';
import type { Logger } from '@crm/runtime';
import { compactCube, CUBE_DELTA } from './cube';

/**
 * Folds the cube's pending deltas into its grains every `intervalMs` (when there are any), so
 * the deltas queries add stay few. Start once per process; stop before Postgres disconnects.
 */
export class CubeCompactor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  folded = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One compaction now (tests and the rebuild call it too). */
  async tick(): Promise<number> {
    try {
      const [{ pending }] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM "${this.schema}".${CUBE_DELTA}) AS pending`);
      if (!pending) return 0;
      const folded = await this.dataSource.transaction((manager) => compactCube(manager, this.schema));
      this.folded += folded;
      return folded;
    } catch (error) {
      this.logger.warn({ err: error }, 'cube compaction failed; will retry');
      return 0;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
