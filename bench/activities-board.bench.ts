/**
 * activityState for the 240 cards of a board (6 stages × 40), resolved through the gateway:
 * the pipeline returns the cards, the gateway asks the activities subgraph for all their
 * `activityState`s in `_entities` fetches, and each fetch is one SQL query (DataLoader batch).
 *
 * Until the pipeline's `pipelineBoard` (issue 4) is on this branch, the board request is the
 * 240 cards as three aliased `opportunities` pages (100 + 100 + 40) in ONE GraphQL request; the
 * gateway plans one fetch to the pipeline and one `_entities` fetch to activities per page. The
 * figure that a single board fetch would give is measured directly too: `_entities` with all 240
 * representations, as the gateway sends it for one list.
 */
import { queryCount } from '@crm/db';
import { GraphQLClient, createTestEnv, testToken } from '@crm/testing';
import { startFullStack } from '../tests/e2e/src/full-stack';
import { percentile, round, type Bench } from './harness';

const CARDS = 240;
const ITERATIONS = 40;
const TYPES = { call: '01934d6e-0000-7000-8000-000000000002', email: '01934d6e-0000-7000-8000-000000000001' };

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
  const stack = await startFullStack(env);
  try {
    await stack.subgraph('activities').consumersReady();
    const api = stack.client(await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    const activities = stack.subgraph('activities');
    const metricsUrl = activities.url.replace(/\/graphql$/, '/metrics');

    // 240 cards, then activities on 3 of every 4 (due yesterday / today / in a week → red / yellow / green).
    const ids: string[] = [];
    for (let batch = 0; batch < CARDS / 40; batch += 1) {
      const aliases = Array.from({ length: 40 }, (_, i) => `o${i}: createOpportunity(input: { name: "Board card ${batch * 40 + i}", expectedRevenue: "${(batch * 40 + i + 1) * 1000000}" }) { opportunity { id } }`);
      const created = await api.data(`mutation { ${aliases.join('\n')} }`);
      for (let i = 0; i < 40; i += 1) ids.push(created[`o${i}`].opportunity.id);
    }
    // Days in the cards' (the admin's) time zone, so today's activities are yellow.
    const shift = (days: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + days * 86_400_000));
    const today = shift(0);
    const due = [shift(-1), today, shift(7)];
    const scheduled = ids.filter((_, i) => i % 4 !== 3);
    for (let start = 0; start < scheduled.length; start += 30) {
      const aliases = scheduled.slice(start, start + 30).map(
        (id, i) => `a${i}: scheduleActivity(input: { resourceType: "Opportunity", resourceId: "${id}", typeId: "${i % 2 ? TYPES.call : TYPES.email}", dueDate: "${due[(start + i) % 3]}" }) { activity { id } }`,
      );
      await api.data(`mutation { ${aliases.join('\n')} }`);
    }

    // The board request: every card with its colour, in one GraphQL request.
    const page = async (first: number, after: string | null) =>
      (await api.data(`query($f: Int!, $a: String) { opportunities(first: $f, after: $a) { pageInfo { endCursor } } }`, { f: first, a: after })).opportunities.pageInfo.endCursor as string;
    const c100 = await page(100, null);
    const c200 = await page(100, c100);
    const card = `edges { node { id name expectedRevenue activityState activityColor nextActivity { dueDate type { name } } } }`;
    const board = `query($c100: String!, $c200: String!) {
      p1: opportunities(first: 100) { ${card} }
      p2: opportunities(first: 100, after: $c100) { ${card} }
      p3: opportunities(first: 40, after: $c200) { ${card} } }`;

    const dataSource = activities.deps.dataSource;
    const sqlPerRequest: number[] = [];
    const fetchesPerRequest: number[] = [];
    const ms: number[] = [];
    let colours: Record<string, number> = {};
    for (let i = 0; i < ITERATIONS + 5; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      // /metrics itself runs a query (outbox_pending): read it outside the counted window.
      const h0 = await graphqlRequests(metricsUrl);
      const q0 = queryCount(dataSource);
      const t0 = performance.now();
      const data = await api.data(board, { c100, c200 });
      const elapsed = performance.now() - t0;
      const q1 = queryCount(dataSource);
      const h1 = await graphqlRequests(metricsUrl);
      const cards = [...data.p1.edges, ...data.p2.edges, ...data.p3.edges];
      if (cards.length !== CARDS) throw new Error(`expected ${CARDS} cards, got ${cards.length}`);
      colours = {};
      for (const e of cards) colours[e.node.activityColor] = (colours[e.node.activityColor] ?? 0) + 1;
      if (i < 5) continue; // warm-up
      ms.push(elapsed);
      sqlPerRequest.push(q1 - q0);
      fetchesPerRequest.push(h1 - h0);
    }

    // One `_entities` fetch with all 240 cards, as the gateway sends it for a single list (pipelineBoard).
    const entitiesClient = new GraphQLClient(activities.url, await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    const representations = ids.map((id) => ({ __typename: 'Opportunity', id }));
    const entitiesQuery = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { activityState activityColor nextActivity { dueDate } } } }`;
    const directSql: number[] = [];
    const directMs: number[] = [];
    for (let i = 0; i < ITERATIONS + 5; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const q0 = queryCount(dataSource);
      const t0 = performance.now();
      const data = await entitiesClient.data(entitiesQuery, { r: representations });
      const elapsed = performance.now() - t0;
      const q1 = queryCount(dataSource);
      if (data._entities.length !== CARDS) throw new Error('entities missing');
      if (i < 5) continue;
      directMs.push(elapsed);
      directSql.push(q1 - q0);
    }

    const boardSql = Math.min(...sqlPerRequest);
    const boardFetches = Math.min(...fetchesPerRequest);
    return {
      name: 'activities: activityState of 240 board cards through the gateway',
      figures: {
        cards: CARDS,
        activities: scheduled.length,
        iterations: ITERATIONS,
        colours: Object.entries(colours).sort().map(([k, v]) => `${k} ${v}`).join(', '),
        gatewayBoardP50Ms: round(median(ms)),
        gatewayBoardP95Ms: round(percentile(ms, 95)),
        activitiesFetchesPerBoardRequest: boardFetches,
        activitiesSqlQueriesPerBoardRequest: boardSql,
        activitiesSqlQueriesPerBoardRequestMedian: median(sqlPerRequest),
        sqlQueriesPerFetch: round(boardSql / boardFetches, 2),
        singleFetch240EntitiesP50Ms: round(median(directMs)),
        singleFetch240EntitiesSqlQueries: Math.min(...directSql),
      },
      targets: [
        { description: 'one SQL query per activities fetch, whatever the number of cards (no N+1)', met: boardSql === boardFetches && Math.min(...directSql) === 1 },
        { description: 'all 240 cards in one activities fetch → 1 SQL query (measured as _entities with 240 representations)', met: Math.min(...directSql) === 1 },
      ],
      notes: [
        'The board request is one GraphQL request with three aliased opportunities pages (100 + 100 + 40; `first` is capped at 100) until pipelineBoard lands; the gateway then makes one activities fetch per page.',
        'SQL counts come from libs/db queryCount on the activities DataSource; the minimum over the iterations excludes statements of the outbox relay and consumers running in the background.',
        'Re-run (`npm run bench -- activities`) once pipelineBoard (issue 4) is merged: a board is then one pipeline fetch and one activities fetch.',
      ],
    };
  } finally {
    await stack.stop();
    await env.cleanup();
  }
};

export default bench;
