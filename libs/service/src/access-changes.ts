import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { accessTokenTtlSeconds, changesAccess, issuedBeforeChange } from '@crm/auth';
import { backgroundQuery } from '@crm/db';
import { TOPICS, type StateEventData } from '@crm/events';
import type { Logger } from '@crm/runtime';
import type { ConsumerSpec } from './subgraph';

/**
 * Access changes take effect at once in every subgraph (issue 8; rule in libs/auth
 * access-change.ts). Each subgraph keeps, in its own schema, when each user's access last
 * changed (`user_access_change`, from crm.contacts.user events), holds the recent ones in
 * memory (reloaded every `ACCESS_CHANGE_POLL_MS`, 1 s: every replica sees every change, whichever
 * replica consumed it), and refuses access tokens issued before the change.
 */
export const ACCESS_CHANGE_TABLE = 'user_access_change';

/** The table, as a migration every subgraph runs after its own (startSubgraph adds it). */
export function accessChangesMigration(schema: string): new () => MigrationInterface {
  return class AccessChanges1765100000000 implements MigrationInterface {
    name = 'AccessChanges1765100000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.${ACCESS_CHANGE_TABLE} (user_id uuid PRIMARY KEY, changed_at timestamptz NOT NULL)`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS ${schema}.${ACCESS_CHANGE_TABLE}`);
    }
  };
}

/**
 * The consumer of crm.contacts.user (at least once, no inbox): an `updated` event whose changes touch role, branches,
 * teams, active or password records the change. Its time is the event's, but never later than
 * now (a producer's clock ahead of ours must not lock a user out).
 */
export function accessChangesConsumer(service: string, schema: string): ConsumerSpec {
  return {
    name: `${service}.access-changes`,
    topics: [TOPICS.contactsUser],
    // Other consumers of the schema may record crm.contacts.user events in its inbox (keyed by
    // event id); the upsert below is idempotent by itself.
    inbox: false,
    handlers: {
      'crm.contacts.user.updated.v1': async (event, manager) => {
        const data = event.data as StateEventData<{ id?: string }>;
        const userId = data.state?.id ?? event.subject;
        if (!changesAccess(data.changes)) return;
        await manager.query(
          `INSERT INTO ${schema}.${ACCESS_CHANGE_TABLE} (user_id, changed_at) VALUES ($1, LEAST($2::timestamptz, now()))
           ON CONFLICT (user_id) DO UPDATE SET changed_at = GREATEST(${ACCESS_CHANGE_TABLE}.changed_at, EXCLUDED.changed_at)`,
          [userId, event.time],
        );
      },
    },
  };
}

/**
 * The recent access changes in memory. Only changes younger than the longest-lived access
 * token (plus a minute) matter: an older token has expired anyway.
 */
export class AccessChangeGate {
  private changes = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly logger: Logger,
    private readonly pollMs = 1000,
  ) {}

  async start(): Promise<void> {
    await this.load();
    this.timer = setInterval(() => void this.load(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the table again now (tests; also what the timer does). */
  load(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const rows = await backgroundQuery<{ user_id: string; changed_at: Date }[]>(
          this.dataSource,
          `SELECT user_id, changed_at FROM ${this.schema}.${ACCESS_CHANGE_TABLE} WHERE changed_at > now() - make_interval(secs => $1)`,
          [accessTokenTtlSeconds() + 60],
        );
        this.changes = new Map(rows.map((r) => [r.user_id, r.changed_at]));
      } catch (error) {
        // Keep the last known changes; the next poll tries again.
        this.logger.warn({ err: error }, 'could not read access changes');
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** True when the user's access changed after this token was issued. */
  isStale(userId: string, issuedAt: number): boolean {
    const changedAt = this.changes.get(userId);
    return changedAt !== undefined && issuedBeforeChange(issuedAt, changedAt);
  }
}
