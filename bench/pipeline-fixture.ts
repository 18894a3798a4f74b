import { Client } from 'pg';
import type { GraphQLClient } from '@crm/testing';

/** A team with one pipeline of six stages of its own, and `count` opportunities spread over them (SQL, not GraphQL: setup, not the measure). */
export interface BenchFixture {
  teamId: string;
  pipelineId: string;
  stageIds: string[];
  tagId: string;
  salespersonId: string;
}

export async function seedPipeline(api: GraphQLClient, databaseUrl: string, count: number): Promise<BenchFixture> {
  const salespersonId = '0193a2b4-0000-7000-8000-0000000be7c4';
  const team = await api.data(`mutation { createSalesTeam(input: { name: "Bench", currency: "IDR", memberIds: ["${salespersonId}"] }) { salesTeam { id } } }`);
  const teamId = team.createSalesTeam.salesTeam.id;
  const pipeline = await api.data(`mutation { createPipeline(input: { teamId: "${teamId}", name: "Bench", sharedStages: false, isDefault: true }) { pipeline { id } } }`);
  const pipelineId = pipeline.createPipeline.pipeline.id;
  const stageIds: string[] = [];
  for (const [i, name] of ['New', 'Qualified', 'Demo', 'Proposition', 'Negotiation', 'Won'].entries()) {
    const stage = await api.data(`mutation($input: CreateStageInput!) { createStage(input: $input) { stage { id } } }`, {
      input: { name, pipelineId, sequence: i + 1, probability: name === 'Won' ? '100' : String((i + 1) * 15), isWon: name === 'Won' },
    });
    stageIds.push(stage.createStage.stage.id);
  }
  const tag = await api.data(`mutation { createOpportunityTag(input: { name: "Bench", color: 4 }) { tag { id } } }`);
  const tagId = tag.createOpportunityTag.tag.id;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO pipeline.opportunity (id, type, number, name, customer_id, salesperson_id, team_id, pipeline_id, stage_id, priority,
         expected_revenue, currency, probability, automated_probability, prorated_revenue, tag_ids, status, active, rank,
         date_last_stage_update, date_conversion, created_at, updated_at, created_by, updated_by)
       SELECT gen_random_uuid(), 'opportunity', 'LDS/BENCH/2611/' || lpad(g::text, 6, '0'), 'Bench deal ' || g, gen_random_uuid(), $1::uuid, $2, $3,
              ($4::uuid[])[1 + g % 6], g % 4,
              CASE WHEN g % 10 = 0 THEN (g % 997) * 10 + 0.25 ELSE (g % 997) * 100000 + 0.5 END,
              CASE WHEN g % 10 = 0 THEN 'USD' ELSE 'IDR' END,
              least(100, 15 * (1 + g % 6)), least(100, 15 * (1 + g % 6)),
              round(CASE WHEN g % 10 = 0 THEN (g % 997) * 10 + 0.25 ELSE (g % 997) * 100000 + 0.5 END * least(100, 15 * (1 + g % 6)) / 100, 2),
              CASE WHEN g % 3 = 0 THEN ARRAY[$5::uuid] ELSE '{}'::uuid[] END, CASE WHEN g % 6 = 5 THEN 'won' ELSE 'open' END, true, g::bigint * 4294967296,
              now(), now(), now() - (g || ' seconds')::interval, now(), $1::uuid, $1::uuid
         FROM generate_series(1, $6::int) AS g`,
      [salespersonId, teamId, pipelineId, stageIds, tagId, count],
    );
    await db.query(
      `INSERT INTO pipeline.stage_history (opportunity_id, stage_id, stage_name, entered_at)
       SELECT o.id, o.stage_id, s.name, o.created_at FROM pipeline.opportunity o JOIN pipeline.stage s ON s.id = o.stage_id WHERE o.pipeline_id = $1`,
      [pipelineId],
    );
    await db.query('ANALYZE pipeline.opportunity');
    await db.query('ANALYZE pipeline.stage_history');
  } finally {
    await db.end();
  }
  return { teamId, pipelineId, stageIds, tagId, salespersonId };
}
