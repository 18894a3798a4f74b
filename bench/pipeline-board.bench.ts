import { Client } from 'pg';
import { createTestEnv, testToken, GraphQLClient } from '@crm/testing';
import { startFullStack } from '../tests/e2e/src/full-stack';
import { percentile, round, type Bench } from './harness';
import { seedPipeline } from './pipeline-fixture';

const OPPORTUNITIES = 50_000;
const CARDS = 40;
const RUNS = 60;

const BOARD = `query($teamId: ID, $pipelineId: ID) {
  pipelineBoard(teamId: $teamId, pipelineId: $pipelineId, cardsPerColumn: ${CARDS}) {
    currency count expectedRevenue proratedRevenue
    columns {
      stage { id name } folded count expectedRevenue proratedRevenue
      cards { edges { node { id name number expectedRevenue currency priority salespersonId customer { id } tags { id name color } } } }
    }
  }
}`;

/** The same data with direct SQL: column sums converted to the team's currency, 40 cards per column with their tags. */
async function boardBySql(db: Client, pipelineId: string, stageIds: string[]): Promise<number> {
  const sums = await db.query(
    `WITH rates AS (SELECT DISTINCT ON (currency) currency, rate FROM pipeline.currency_rate WHERE valid_from <= current_date ORDER BY currency, valid_from DESC),
     sums AS (
       SELECT o.stage_id, o.currency, count(*) AS n, sum(o.expected_revenue) AS expected, sum(o.prorated_revenue) AS prorated
         FROM pipeline.opportunity o
        WHERE o.pipeline_id = $1 AND o.type = 'opportunity' AND o.active AND o.stage_id = ANY($2::uuid[])
        GROUP BY o.stage_id, o.currency)
     SELECT s.stage_id, sum(s.n)::int, round(sum(s.expected * r.rate) / tr.rate, 2), round(sum(s.prorated * r.rate) / tr.rate, 2)
       FROM sums s JOIN rates r ON r.currency = s.currency CROSS JOIN (SELECT rate FROM rates WHERE currency = 'IDR') tr
      GROUP BY s.stage_id, tr.rate`,
    [pipelineId, stageIds],
  );
  const cards = await db.query(
    `SELECT c.* FROM unnest($2::uuid[]) AS col(stage_id)
     CROSS JOIN LATERAL (
       SELECT o.id, o.name, o.number, o.expected_revenue, o.currency, o.priority, o.salesperson_id, o.customer_id, o.tag_ids, o.stage_id
         FROM pipeline.opportunity o
        WHERE o.pipeline_id = $1 AND o.stage_id = col.stage_id AND o.active AND o.type = 'opportunity'
        ORDER BY o.rank, o.id LIMIT ${CARDS}) c`,
    [pipelineId, stageIds],
  );
  const tagIds = [...new Set(cards.rows.flatMap((r) => r.tag_ids as string[]))];
  await db.query('SELECT id, name, color FROM pipeline.tag WHERE id = ANY($1::uuid[])', [tagIds]);
  return sums.rowCount! + cards.rowCount!;
}

const bench: Bench = async () => {
  const env = await createTestEnv('benchboard');
  const stack = await startFullStack(env);
  const db = new Client({ connectionString: env.databaseUrl });
  try {
    const api = new GraphQLClient(stack.gatewayUrl!, await testToken({ role: 'admin' }));
    const fixture = await seedPipeline(api, env.databaseUrl, OPPORTUNITIES);
    await db.connect();
    const variables = { teamId: fixture.teamId, pipelineId: fixture.pipelineId };
    const check = await api.data(BOARD, variables);
    const cards = check.pipelineBoard.columns.reduce((n: number, c: { cards: { edges: unknown[] } }) => n + c.cards.edges.length, 0);
    if (check.pipelineBoard.count !== OPPORTUNITIES || cards !== 6 * CARDS) throw new Error(`unexpected board: ${check.pipelineBoard.count} opportunities, ${cards} cards`);
    for (let i = 0; i < 5; i += 1) {
      await api.data(BOARD, variables);
      await boardBySql(db, fixture.pipelineId, fixture.stageIds);
    }
    const gateway: number[] = [];
    const sql: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      let t = process.hrtime.bigint();
      await api.data(BOARD, variables);
      gateway.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      await boardBySql(db, fixture.pipelineId, fixture.stageIds);
      sql.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const gatewayP50 = percentile(gateway, 50);
    const sqlP50 = percentile(sql, 50);
    const ratio = gatewayP50 / sqlP50;
    return {
      name: `pipelineBoard through the gateway vs direct SQL (${OPPORTUNITIES} opportunities, 6 stages × ${CARDS} cards)`,
      figures: {
        opportunities: OPPORTUNITIES,
        runs: RUNS,
        gatewayP50Ms: round(gatewayP50),
        gatewayP95Ms: round(percentile(gateway, 95)),
        sqlP50Ms: round(sqlP50),
        sqlP95Ms: round(percentile(sql, 95)),
        ratioP50: round(ratio),
      },
      targets: [{ description: 'gateway p50 ≤ 4 × direct SQL p50', met: ratio <= 4 }],
      notes: [
        'All 50,000 opportunities are on the measured pipeline (worst case for the column sums); 10 % are in USD, converted to IDR.',
        'Six stages (the last one won); 40 cards per column with their tags; the customer as a federated reference (no hop to contacts).',
        'Gateway, subgraphs, Postgres client and load generator share the machine; runs alternate gateway and SQL.',
      ],
    };
  } finally {
    await db.end().catch(() => undefined);
    await stack.stop();
    await env.cleanup();
  }
};

export default bench;
