import { Client } from 'pg';
import { changeEventCount, createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { pipelineModule } from '../src/module';

/** The kanban board on real Postgres: ordering inside columns, paging, currency conversion, filters. */
describe('pipeline board (integration)', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  let stages: Record<string, string>;

  const create = async (input: Record<string, unknown>) =>
    (await api.data(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id version } } }`, { input }))
      .createOpportunity.opportunity as { id: string; version: number };
  const move = (input: Record<string, unknown>) =>
    api.request(`mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { id version stage { name } } } }`, { input });
  const column = async (name: string, filter: Record<string, unknown> = {}) => {
    const data = await api.data(
      `query($filter: OpportunityFilter) { pipelineBoard(filter: $filter, cardsPerColumn: 50) { columns { stage { name } count expectedRevenue proratedRevenue cards { edges { node { name } } } } } }`,
      { filter },
    );
    return data.pipelineBoard.columns.find((c: any) => c.stage.name === name);
  };
  const names = async (stage: string, filter: Record<string, unknown> = {}) => (await column(stage, filter)).cards.edges.map((e: any) => e.node.name);

  beforeAll(async () => {
    env = await createTestEnv('pipelineboard');
    stack = await startStack({ env, modules: [pipelineModule] });
    api = stack.client(await testToken({ role: 'admin' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const data = await api.data(`{ stages { id name } }`);
    stages = Object.fromEntries(data.stages.map((s: any) => [s.name, s.id]));
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('orders cards inside a column: new on top, dropped before or after a card', async () => {
    const a = await create({ name: 'A' });
    const b = await create({ name: 'B' });
    const c = await create({ name: 'C' });
    expect(await names('New')).toEqual(['C', 'B', 'A']);

    const outboxBefore = (await db.query(`SELECT ${changeEventCount('pipeline')} AS n`)).rows[0].n;
    const reordered = await move({ id: a.id, stageId: stages['New'], beforeId: c.id });
    expect(reordered.data!.moveOpportunity.opportunity.version).toBe(1);
    expect(await names('New')).toEqual(['A', 'C', 'B']);
    await move({ id: b.id, stageId: stages['New'], afterId: a.id });
    expect(await names('New')).toEqual(['A', 'B', 'C']);
    // Reordering is presentation: no new version, no event.
    expect((await db.query(`SELECT ${changeEventCount('pipeline')} AS n`)).rows[0].n).toBe(outboxBefore);

    await move({ id: c.id, stageId: stages['Qualified'] });
    await move({ id: b.id, stageId: stages['Qualified'], afterId: c.id });
    await move({ id: a.id, stageId: stages['Qualified'], beforeId: b.id });
    expect(await names('Qualified')).toEqual(['C', 'A', 'B']);
    expect(await names('New')).toEqual([]);

    // Dropped without an anchor: on top of the cards already there (the top is read with the lock).
    const d = await create({ name: 'D' });
    await move({ id: d.id, stageId: stages['Qualified'] });
    expect(await names('Qualified')).toEqual(['D', 'C', 'A', 'B']);
    await move({ id: d.id, stageId: stages['New'] });
    expect(await names('Qualified')).toEqual(['C', 'A', 'B']);

    const wrongColumn = await move({ id: a.id, stageId: stages['New'], beforeId: b.id });
    expect(wrongColumn.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'beforeId' });
    const both = await move({ id: a.id, stageId: stages['Qualified'], beforeId: b.id, afterId: c.id });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'afterId' });
  });

  it('keeps putting new cards on top, however many (ranks compare as numbers)', async () => {
    const team = (await api.data(`mutation { createSalesTeam(input: { name: "Ordering" }) { salesTeam { id } } }`)).createSalesTeam.salesTeam.id;
    const created: string[] = [];
    for (let i = 1; i <= 12; i += 1) {
      await create({ name: `card ${i}`, teamId: team });
      created.unshift(`card ${i}`);
    }
    const board = await api.data(`{ pipelineBoard(teamId: "${team}") { columns { stage { name } cards(first: 20) { edges { node { name } } } } } }`);
    expect(board.pipelineBoard.columns[0].cards.edges.map((e: any) => e.node.name)).toEqual(created);
  });

  it('renumbers a column whose neighbours leave no room, keeping the order', async () => {
    const ids = [];
    for (const name of ['P1', 'P2', 'P3']) ids.push((await create({ name, stageId: stages['Proposition'] })).id);
    // P3, P2, P1 on top of each other with adjacent ranks.
    await db.query(`UPDATE pipeline.opportunity SET rank = CASE name WHEN 'P3' THEN 1 WHEN 'P2' THEN 2 ELSE 3 END WHERE stage_id = $1`, [stages['Proposition']]);
    await move({ id: ids[0], stageId: stages['Proposition'], afterId: ids[2] });
    expect(await names('Proposition')).toEqual(['P3', 'P1', 'P2']);
    const ranks = (await db.query('SELECT rank FROM pipeline.opportunity WHERE stage_id = $1 ORDER BY rank', [stages['Proposition']])).rows;
    expect(new Set(ranks.map((r) => r.rank)).size).toBe(3);
  });

  it('pages a column with its own cursor', async () => {
    const page1 = await api.data(
      `{ pipelineBoard { columns { stage { name } cards(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } } } }`,
    );
    const qualified = page1.pipelineBoard.columns.find((c: any) => c.stage.name === 'Qualified');
    expect(qualified.cards.edges.map((e: any) => e.node.name)).toEqual(['C', 'A']);
    expect(qualified.cards.pageInfo.hasNextPage).toBe(true);
    expect(qualified.cards.totalCount).toBe(3);
    const page2 = await api.data(
      `query($after: String) { pipelineBoard { columns { stage { name } cards(first: 2, after: $after) { pageInfo { hasNextPage } edges { node { name } } } } } }`,
      { after: qualified.cards.pageInfo.endCursor },
    );
    const next = page2.pipelineBoard.columns.find((c: any) => c.stage.name === 'Qualified');
    expect(next.cards.edges.map((e: any) => e.node.name)).toEqual(['B']);
    expect(next.cards.pageInfo.hasNextPage).toBe(false);
  });

  it('sums mixed currencies in the team’s currency, exactly', async () => {
    await create({ name: 'USD deal', stageId: stages['Won'], expectedRevenue: '1000', currency: 'USD' });
    await create({ name: 'IDR deal', stageId: stages['Won'], expectedRevenue: '100000000.50', currency: 'IDR' });
    const won = await column('Won');
    // 1,000 USD × 16,250 + 100,000,000.50 IDR; won: probability 100.
    expect(won).toMatchObject({ count: 2, expectedRevenue: '116250000.50', proratedRevenue: '116250000.50' });

    await api.data(`mutation { setCurrencyRate(input: { currency: "USD", rate: "16000.5" }) { currencyRate { currency rate } } }`);
    expect((await column('Won')).expectedRevenue).toBe('116000500.50');

    const europe = await api.data(`mutation { createSalesTeam(input: { name: "Europe", currency: "EUR" }) { salesTeam { id pipelines { id stages { id name } } } } }`);
    const team = europe.createSalesTeam.salesTeam;
    const wonStage = team.pipelines[0].stages.find((s: any) => s.name === 'Won').id;
    await create({ name: 'Rupiah deal in Europe', teamId: team.id, stageId: wonStage, expectedRevenue: '17600000', currency: 'IDR' });
    await create({ name: 'Dollar deal in Europe', teamId: team.id, stageId: wonStage, expectedRevenue: '0.01', currency: 'USD' });
    const board = await api.data(`{ pipelineBoard(teamId: "${team.id}") { currency expectedRevenue columns { stage { name } expectedRevenue } } }`);
    // 17,600,000 IDR ÷ 17,600 = 1,000 EUR; 0.01 USD × 16,000.5 ÷ 17,600 = 0.0090… → 1000.01 after rounding the sum.
    expect(board.pipelineBoard).toMatchObject({ currency: 'EUR', expectedRevenue: '1000.01' });

    const unknown = await api.request(`mutation { createOpportunity(input: { name: "x", currency: "XAU" }) { opportunity { id } } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
  });

  it('filters the board and lists: text, tags, overdue, lost, ordering with keyset cursors', async () => {
    const tag = (await api.data(`mutation { createOpportunityTag(input: { name: "Furniture", color: 3 }) { tag { id } } }`)).createOpportunityTag.tag.id;
    await create({ name: 'Chairs for Stark', tagIds: [tag], expectedClosing: '2020-01-01', expectedRevenue: '300' });
    await create({ name: 'Sofas', email: 'pepper@stark.com', expectedRevenue: '200' });
    const lost = await create({ name: 'Lamps', expectedRevenue: '100' });
    await api.data(`mutation { markLost(input: { id: "${lost.id}" }) { opportunity { id } } }`);

    const list = async (args: string) => (await api.data(`{ opportunities(${args}) { totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`)).opportunities;
    expect((await list('filter: { text: "stark" }')).edges.map((e: any) => e.node.name).sort()).toEqual(['Chairs for Stark', 'Sofas']);
    expect((await list(`filter: { tagIds: ["${tag}"] }`)).totalCount).toBe(1);
    expect((await list('filter: { overdue: true }')).edges.map((e: any) => e.node.name)).toEqual(['Chairs for Stark']);
    expect((await list('filter: { text: "Lamps" }')).totalCount).toBe(0);
    expect((await list('filter: { text: "Lamps", status: [LOST] }')).edges.map((e: any) => e.node.name)).toEqual(['Lamps']);
    expect(await names('New', { text: 'sofa' })).toEqual(['Sofas']);
    // The kanban's Lost and Archived filters show those cards in their columns, counted and summed.
    expect(await names('New', { text: 'Lamps' })).toEqual([]);
    expect(await column('New', { status: ['LOST'] })).toMatchObject({ count: 1, expectedRevenue: '100.00', proratedRevenue: '0.00', cards: { edges: [{ node: { name: 'Lamps' } }] } });
    expect(await names('New', { archived: 'ARCHIVED' })).toEqual(['Lamps']);
    expect((await column('New', { archived: 'ALL', text: 'Lamps' })).count).toBe(1);
    expect((await column('New', { tagIds: [tag] })).count).toBe(1);

    const first = await list('filter: { text: "s" }, orderBy: { field: EXPECTED_REVENUE, direction: DESC }, first: 2');
    const second = await list(`filter: { text: "s" }, orderBy: { field: EXPECTED_REVENUE, direction: DESC }, first: 2, after: "${first.pageInfo.endCursor}"`);
    const all = await list('filter: { text: "s" }, orderBy: { field: EXPECTED_REVENUE, direction: DESC }, first: 100');
    expect([...first.edges, ...second.edges].map((e: any) => e.node.name)).toEqual(all.edges.slice(0, 4).map((e: any) => e.node.name));
    expect(first.totalCount).toBe(all.totalCount);
    const tooMany = await api.request(`{ opportunities(first: 101) { totalCount } }`);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
