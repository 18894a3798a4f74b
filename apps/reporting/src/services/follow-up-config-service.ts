import type { DataSource } from 'typeorm';
import type { AuthUser } from '@crm/auth';
import { staleVersion } from '@crm/graphql';
import { DEFAULT_FOLLOW_UP_CONFIG, mergeFollowUpConfig, type FollowUpConfig } from '../domain/follow-up-config';

export interface StoredFollowUpConfig extends FollowUpConfig {
  version: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** Reporting's follow-up monitoring configuration (one row; the defaults until an admin changes it). */
export class FollowUpConfigService {
  constructor(private readonly dataSource: DataSource) {}

  async get(): Promise<StoredFollowUpConfig> {
    const [row] = await this.dataSource.query(`SELECT config, version, updated_at, updated_by FROM reporting.follow_up_config WHERE id = 1`);
    if (!row) return { ...DEFAULT_FOLLOW_UP_CONFIG, version: 0, updatedAt: null, updatedBy: null };
    return { ...DEFAULT_FOLLOW_UP_CONFIG, ...(row.config as Partial<FollowUpConfig>), version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  async configure(user: AuthUser, input: Partial<FollowUpConfig> & { expectedVersion?: number | null }, now: Date): Promise<StoredFollowUpConfig> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(`SELECT config, version FROM reporting.follow_up_config WHERE id = 1 FOR UPDATE`);
      const current: FollowUpConfig = row ? { ...DEFAULT_FOLLOW_UP_CONFIG, ...row.config } : DEFAULT_FOLLOW_UP_CONFIG;
      const version: number = row?.version ?? 0;
      if (input.expectedVersion != null && input.expectedVersion !== version) {
        throw staleVersion('FollowUpConfig', '1', input.expectedVersion, version);
      }
      const { expectedVersion: _ignored, ...changes } = input;
      const next = mergeFollowUpConfig(current, changes);
      await manager.query(
        `INSERT INTO reporting.follow_up_config (id, config, version, updated_at, updated_by) VALUES (1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET config = EXCLUDED.config, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [JSON.stringify(next), version + 1, now, user.id],
      );
      return { ...next, version: version + 1, updatedAt: now, updatedBy: user.id };
    });
  }
}
