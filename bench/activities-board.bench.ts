/**
 * activityState for the 240 cards of a kanban board (6 stages × 40 cards), resolved through the
 * gateway: one `pipelineBoard` request; the pipeline returns the columns and cards, the gateway
 * asks the activities subgraph for all 240 cards' `activityState` / `activityColor` /
 * `nextActivity` in one `_entities` fetch, which is one SQL query (DataLoader batch).
 * Measured: round trips (GraphQL requests) to each subgraph and SQL queries per board request.
 */
import { queryCount } from '@crm/db';
import { GraphQLClient, createTestEnv, testToken } from '@crm/testing';
import { startFullStack } from '../tests/e2e/src/full-stack';
import { percentile, round, type Bench } from './harness';

const STAGES = ['New', 'Qualified', 'Demo', 'Proposition', 'Negotiation', 'Won'];
const PER_COLUMN = 40;
const CARDS = STAGES.length * PER_COLUMN;
const ITERATIONS = 40;
const TYPES = { call: '01934d6e-0000-7000-8000-000000000002', email: '01934d6e-0000-7000-8000-000000000001' };

/** GraphQL requests a service has answered so far (its prom-client histogram). */
async function graphqlRequests(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('http_request_duration_seconds_count{') && line.includes('route="/graphql"')) total += Number(line.split(' ').pop());
  }
  return total;
}

const median = (xs: number[]) => percentile(xs, 50);

const bench: Bench = async () => {
  const env = await createTestEnv('benchboard');
  // The benchmark fires requests as fast as it can: the gateway's per-user rate limit is not what it measures.
  const stack = await startFullStack(env, undefined, { rateLimit: { perSecond: 0, burst: 0 } });
  try {
    await stack.subgraph('activities').consumersReady();
    const api = stack.client(await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    const activities = stack.subgraph('activities');
    const pipeline = stack.subgraph('pipeline');
    const metricsOf = (url: string) => url.replace(/\/graphql$/, '/metrics');

    // A team with a six-stage pipeline of its own, 40 cards per stage (created through the API, so that
    // the activities subgraph learns the opportunities from their events).
    const teamId = (await api.data(`mutation { createSalesTeam(input: { name: "Board bench", currency: "IDR" }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    const pipelineId = (await api.data(`mutation { createPipeline(input: { teamId: "${teamId}", name: "Board bench", sharedStages: false, isDefault: true }) { pipeline { id } } }`))
      .createPipeline.pipeline.id;
    const stageIds: string[] = [];
    for (const [i, name] of STAGES.entries()) {
      const stage = await api.data(`mutation($input: CreateStageInput!) { createStage(input: $input) { stage { id } } }`, {
        input: { name, pipelineId, sequence: i + 1, probability: name === 'Won' ? '100' : String((i + 1) * 15), isWon: name === 'Won' },
      });
      stageIds.push(stage.createStage.stage.id);
    }
    const ids: string[] = [];
    for (const [s, stageId] of stageIds.entries()) {
      const aliases = Array.from(
        { length: PER_COLUMN },
        (_, i) => `o${i}: createOpportunity(input: { name: "Card ${s}-${i}", teamId: "${teamId}", pipelineId: "${pipelineId}", stageId: "${stageId}", expectedRevenue: "${(s * PER_COLUMN + i + 1) * 1000000}" }) { opportunity { id } }`,
      );
      const created = await api.data(`mutation { ${aliases.join('\n')} }`);
      for (let i = 0; i < PER_COLUMN; i += 1) ids.push(created[`o${i}`].opportunity.id);
    }
    // Activities on 3 of every 4 cards: due yesterday / today / in a week → red / yellow / green (the caller's zone).
    const shift = (days: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + days * 86_400_000));
    const due = [shift(-1), shift(0), shift(7)];
    const scheduled = ids.filter((_, i) => i % 4 !== 3);
    for (let start = 0; start < scheduled.length; start += 30) {
      const aliases = scheduled.slice(start, start + 30).map(
        (id, i) => `a${i}: scheduleActivity(input: { resourceType: "Opportunity", resourceId: "${id}", typeId: "${i % 2 ? TYPES.call : TYPES.email}", dueDate: "${due[(start + i) % 3]}" }) { activity { id } }`,
      );
      await api.data(`mutation { ${aliases.join('\n')} }`);
    }

    // The board request: every column with its sums and its 40 cards, each with its activity colour.
    const board = `query($t: ID!, $p: ID!) { pipelineBoard(teamId: $t, pipelineId: $p, cardsPerColumn: ${PER_COLUMN}) {
      count expectedRevenue columns { stage { name } count expectedRevenue proratedRevenue
        cards { edges { node { id name expectedRevenue priority activityState activityColor nextActivity { dueDate } } } } } } }`;

    const activitiesDb = activities.deps.dataSource;
    const pipelineDb = pipeline.deps.dataSource;
    const samples = { ms: [] as number[], activitiesSql: [] as number[], activitiesFetches: [] as number[], pipelineSql: [] as number[], pipelineFetches: [] as number[] };
    let colours: Record<string, number> = {};
    for (let i = 0; i < ITERATIONS + 5; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      // /metrics itself runs a query (outbox_pending): read it outside the counted window.
      const a0 = await graphqlRequests(metricsOf(activities.url));
      const p0 = await graphqlRequests(metricsOf(pipeline.url));
      const qa0 = queryCount(activitiesDb);
      const qp0 = queryCount(pipelineDb);
      const t0 = performance.now();
      const data = await api.data(board, { t: teamId, p: pipelineId });
      const elapsed = performance.now() - t0;
      const qa1 = queryCount(activitiesDb);
      const qp1 = queryCount(pipelineDb);
      const a1 = await graphqlRequests(metricsOf(activities.url));
      const p1 = await graphqlRequests(metricsOf(pipeline.url));
      const cards = data.pipelineBoard.columns.flatMap((c: { cards: { edges: { node: { activityColor: string } }[] } }) => c.cards.edges);
      if (cards.length !== CARDS) throw new Error(`expected ${CARDS} cards, got ${cards.length}`);
      colours = {};
      for (const e of cards) colours[e.node.activityColor] = (colours[e.node.activityColor] ?? 0) + 1;
      if (i < 5) continue; // warm-up
      samples.ms.push(elapsed);
      samples.activitiesSql.push(qa1 - qa0);
      samples.pipelineSql.push(qp1 - qp0);
      samples.activitiesFetches.push(a1 - a0);
      samples.pipelineFetches.push(p1 - p0);
    }

    // The same 240 cards as one `_entities` call straight to the activities subgraph (what the gateway sends).
    const entitiesClient = new GraphQLClient(activities.url, await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    const entitiesQuery = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { activityState activityColor nextActivity { dueDate } } } }`;
    const directSql: number[] = [];
    const directMs: number[] = [];
    for (let i = 0; i < ITERATIONS + 5; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const q0 = queryCount(activitiesDb);
      const t0 = performance.now();
      const data = await entitiesClient.data(entitiesQuery, { r: ids.map((id) => ({ __typename: 'Opportunity', id })) });
      const elapsed = performance.now() - t0;
      const q1 = queryCount(activitiesDb);
      if (data._entities.length !== CARDS) throw new Error('entities missing');
      if (i < 5) continue;
      directMs.push(elapsed);
      directSql.push(q1 - q0);
    }

    // Minimums exclude the statements of the outbox relays and consumers running in the background.
    const activitiesSql = Math.min(...samples.activitiesSql);
    const activitiesFetches = Math.min(...samples.activitiesFetches);
    const pipelineSql = Math.min(...samples.pipelineSql);
    const pipelineFetches = Math.min(...samples.pipelineFetches);
    return {
      name: 'activities: activityState of the 240 cards of a pipelineBoard through the gateway',
      figures: {
        cards: CARDS,
        columns: STAGES.length,
        activities: scheduled.length,
        iterations: ITERATIONS,
        colours: Object.entries(colours).sort().map(([k, v]) => `${k} ${v}`).join(', '),
        boardRequestP50Ms: round(median(samples.ms)),
        boardRequestP95Ms: round(percentile(samples.ms, 95)),
        pipelineFetchesPerBoardRequest: pipelineFetches,
        pipelineSqlQueriesPerBoardRequest: pipelineSql,
        activitiesFetchesPerBoardRequest: activitiesFetches,
        activitiesSqlQueriesPerBoardRequest: activitiesSql,
        activitiesSqlQueriesPerBoardRequestMedian: median(samples.activitiesSql),
        direct240EntitiesP50Ms: round(median(directMs)),
        direct240EntitiesSqlQueries: Math.min(...directSql),
      },
      targets: [
        { description: 'one batched round trip to the activities subgraph per board request (240 cards)', met: activitiesFetches === 1 },
        { description: 'one SQL query in the activities subgraph per board request (no N+1)', met: activitiesSql === 1 },
        { description: 'one round trip to the pipeline subgraph per board request', met: pipelineFetches === 1 },
      ],
      notes: [
        'One GraphQL request: pipelineBoard(teamId, pipelineId, cardsPerColumn: 40) with stage, count, sums and 40 cards per column, each card with activityState, activityColor and nextActivity.',
        'Round trips are the subgraphs’ own /graphql request counters (prom-client); SQL counts are libs/db queryCount on each subgraph’s DataSource. Minimums over the iterations exclude the outbox relays and consumers running in the background; the median is shown for the activities subgraph.',
        'The pipeline’s SQL per board (columns, counts and sums, cards per column, stages, team) is its own concern (bench pipeline-board measures it against direct SQL with 50,000 opportunities).',
      ],
    };
  } finally {
    await stack.stop();
    await env.cleanup();
  }
};

export default bench;
