/** Shared set-up of the reporting benchmarks: a database of their own, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createSchemaDataSource, dropDatabase, ensureDatabase, initializeWithMigrations } from '@crm/db';
import { migrations } from '@crm/reporting/src/migrations';
import { recomputeCube } from '@crm/reporting/src/projections/cube';
import { databaseUrl } from '@crm/runtime';

export interface BenchDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh database with reporting's schema migrated. */
export async function benchDatabase(label: string): Promise<BenchDatabase> {
  const url = new URL(databaseUrl());
  url.pathname = `/crm_bench_${label}_${randomBytes(3).toString('hex')}`;
  await ensureDatabase(url.toString());
  const dataSource = createSchemaDataSource({ schema: 'reporting', entities: [], migrations, url: url.toString(), poolSize: 10 });
  await initializeWithMigrations(dataSource);
  return {
    url: url.toString(),
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(url.toString());
    },
  };
}

/**
 * `rows` opportunities straight into the read model (what a million events would have built),
 * spread over 36 months, 8 stages, 200 salespeople in 10 teams and 20 branches; then the cube
 * recomputed from them with the projection's own SQL.
 */
export async function loadOpportunities(ds: DataSource, rows: number, options: { properties?: boolean } = {}): Promise<void> {
  await ds.query(`SELECT setseed(0.42)`);
  await ds.query(`INSERT INTO reporting.settings (key, value) VALUES ('cube_time_zone', 'UTC') ON CONFLICT (key) DO UPDATE SET value = 'UTC'`);
  await ds.query(`CREATE TEMP TABLE IF NOT EXISTS bench_stage AS SELECT g AS n, ('01934d6e-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid AS id FROM generate_series(1, 8) g`);
  await ds.query(
    `INSERT INTO reporting.label (kind, id, name, sequence, authoritative, at)
     SELECT 'stage', id::text, 'Stage ' || n, n, true, now() FROM bench_stage ON CONFLICT DO NOTHING`,
  );
  await ds.query(`
    INSERT INTO reporting.opportunity_rm (id, version, type, name, number, salesperson_id, team_id, branch_id, pipeline_id, stage_id, stage_name,
      expected_revenue, currency, probability, prorated_revenue, expected_closing, status, active, date_closed, date_last_stage_update,
      created_at, updated_at, created_month, tag_ids, properties, contact_name, phone)
    SELECT gen_random_uuid(), 1, CASE WHEN r1 < 0.3 THEN 'lead' ELSE 'opportunity' END,
      'Opportunity ' || g, 'LDS/B' || lpad((sp % 20)::text, 2, '0') || '/' || g,
      ('01934d6e-0000-7000-8001-' || lpad(to_hex(sp), 12, '0'))::uuid,
      ('01934d6e-0000-7000-8002-' || lpad(to_hex(sp % 10), 12, '0'))::uuid,
      'B' || lpad((sp % 20)::text, 2, '0'),
      '01934d6e-0000-7000-8003-000000000001'::uuid,
      (SELECT id FROM bench_stage WHERE n = st), 'Stage ' || st,
      rev, CASE WHEN r2 < 0.05 THEN 'USD' ELSE 'IDR' END, 10 * st, rev * st / 10,
      (created + interval '30 days')::date,
      CASE WHEN r3 < 0.15 THEN 'won' WHEN r3 < 0.30 THEN 'lost' ELSE 'open' END,
      NOT (r3 >= 0.15 AND r3 < 0.30),
      CASE WHEN r3 < 0.30 THEN created + interval '20 days' END,
      created + interval '2 days', created, created,
      (date_trunc('month', created AT TIME ZONE 'UTC'))::date,
      CASE WHEN r2 < 0.2 THEN ARRAY['hot'] ELSE '{}' END,
      ${options.properties ? `jsonb_build_object('customerStatus', CASE WHEN r1 < 0.5 THEN 'TERHUBUNG' ELSE 'TIDAK_TERHUBUNG' END, 'followUp1', to_char(created + interval '1 day', 'YYYY-MM-DD'), 'kpbNumber', (1 + g % 4)::text)` : `'{}'::jsonb`},
      'CUSTOMER ' || g, '0812' || lpad(g::text, 8, '0')
    FROM (
      SELECT g, 1 + floor(random() * 200)::int AS sp, 1 + floor(random() * 8)::int AS st, random() AS r1, random() AS r2, random() AS r3,
        round((random() * 500000000)::numeric, 2) AS rev,
        timestamptz '2024-01-01 00:00:00+00' + random() * interval '1095 days' AS created
      FROM generate_series(1, ${rows}) g
    ) x`);
  await ds.transaction((m) => recomputeCube(m, 'reporting'));
  await ds.query('VACUUM ANALYZE reporting.opportunity_rm');
  await ds.query('VACUUM ANALYZE reporting.opportunity_cube');
}
