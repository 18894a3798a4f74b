import { Client } from 'pg';
import { ManualClock } from '@crm/runtime';
import { changeEventCount, createTestEnv, readTopic, testToken, type GraphQLClient, type ReadMessage, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * Seed 000 through the gateway: PT Avengers Initiative wants 200 Office Chairs for
 * 100,000,000 IDR; the salesperson enters 90 % and priority Very High, drags the card
 * New → Qualified → Proposition, and marks it won. The events are read back from Kafka.
 */
const OPPORTUNITY = `id number name type status priority priorityLabel expectedRevenue currency probability automatedProbability
  probabilityIsManual proratedRevenue active version dateClosed dateLastStageUpdate
  stage { id name isWon } team { name currency } customer { id name } timeInStages { stageName seconds }`;

describe('pipeline e2e: seed 000, PT Avengers Initiative buys 200 Office Chairs', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let db: Client;
  const clock = new ManualClock('2026-11-23T02:00:00Z');
  const salesperson = '0193a2b4-0000-7000-8000-00000000aa01';
  let customerId: string;
  let stages: Record<string, string>;
  let opportunityId: string;

  beforeAll(async () => {
    env = await createTestEnv('pipelineavengers');
    stack = await startFullStack(env, clock);
    api = stack.client(await testToken({ id: salesperson, role: 'admin', tz: 'Asia/Jakarta' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  async function counts() {
    const r = await db.query(
      `SELECT (SELECT count(*) FROM pipeline.opportunity)::int AS rows, ${changeEventCount('pipeline')} AS events,
              (SELECT coalesce(sum(version), 0) FROM pipeline.opportunity)::int AS versions`,
    );
    return r.rows[0];
  }

  it('shows the default board: New 10 %, Qualified 30 %, Proposition 60 %, Won 100 %', async () => {
    const data = await api.data(`{ pipelineBoard { team { name } pipeline { name } currency columns { stage { id name probability isWon } count } } }`);
    const board = data.pipelineBoard;
    expect(board.team.name).toBe('Sales');
    expect(board.currency).toBe('IDR');
    expect(board.columns.map((c: any) => [c.stage.name, c.stage.probability, c.stage.isWon])).toEqual([
      ['New', '10.00', false],
      ['Qualified', '30.00', false],
      ['Proposition', '60.00', false],
      ['Won', '100.00', true],
    ]);
    stages = Object.fromEntries(board.columns.map((c: any) => [c.stage.name, c.stage.id]));
  });

  it('creates the opportunity in New with 90 % and priority Very High (3 stars)', async () => {
    const contact = await api.data(`mutation { createContact(input: { name: "PT Avengers Initiative", email: "procurement@avengers.co.id" }) { contact { id } } }`);
    customerId = contact.createContact.contact.id;
    const created = await api.data(
      `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { ${OPPORTUNITY} } } }`,
      { input: { name: '200 Office Chairs', customerId, expectedRevenue: '100000000', currency: 'IDR', probability: '90', priority: 3 } },
    );
    const o = created.createOpportunity.opportunity;
    opportunityId = o.id;
    expect(o).toMatchObject({
      type: 'OPPORTUNITY',
      status: 'OPEN',
      number: 'LDS/HO/2611/00001',
      name: '200 Office Chairs',
      priority: 3,
      priorityLabel: 'Excellent',
      expectedRevenue: '100000000.00',
      currency: 'IDR',
      probability: '90.00',
      automatedProbability: '10.00',
      probabilityIsManual: true,
      proratedRevenue: '90000000.00',
      version: 1,
      stage: { name: 'New' },
      team: { name: 'Sales', currency: 'IDR' },
      customer: { id: customerId, name: 'PT Avengers Initiative' },
    });
  });

  it('sums the columns in the team currency, card on top of New', async () => {
    const data = await api.data(
      `{ pipelineBoard(cardsPerColumn: 5) { count expectedRevenue proratedRevenue columns { stage { name } count expectedRevenue proratedRevenue cards { totalCount edges { node { id name customer { name } activityColor quotationCount } } } } } }`,
    );
    const newColumn = data.pipelineBoard.columns[0];
    expect(newColumn).toMatchObject({ stage: { name: 'New' }, count: 1, expectedRevenue: '100000000.00', proratedRevenue: '90000000.00' });
    // The kanban card, with what the activities and sales subgraphs add through federation.
    expect(newColumn.cards.edges[0].node).toEqual({
      id: opportunityId,
      name: '200 Office Chairs',
      customer: { name: 'PT Avengers Initiative' },
      activityColor: 'GREY',
      quotationCount: 0,
    });
    expect(data.pipelineBoard).toMatchObject({ count: 1, expectedRevenue: '100000000.00', proratedRevenue: '90000000.00' });
  });

  it('drags it New → Qualified → Proposition, a day in each, keeping the typed 90 %', async () => {
    for (const [stage, version] of [['Qualified', 2], ['Proposition', 3]] as const) {
      clock.advance(24 * 3600 * 1000);
      const moved = await api.data(
        `mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { ${OPPORTUNITY} } } }`,
        { input: { id: opportunityId, stageId: stages[stage], expectedVersion: version - 1 } },
      );
      expect(moved.moveOpportunity.opportunity).toMatchObject({ stage: { name: stage }, version, probability: '90.00', probabilityIsManual: true });
    }
  });

  it('marks it won: Won stage, probability 100, closed; a second time is refused and changes nothing', async () => {
    clock.advance(3600 * 1000);
    const won = await api.data(`mutation { markWon(input: { id: "${opportunityId}", expectedVersion: 3 }) { opportunity { ${OPPORTUNITY} } } }`);
    expect(won.markWon.opportunity).toMatchObject({
      status: 'WON',
      stage: { name: 'Won', isWon: true },
      probability: '100.00',
      proratedRevenue: '100000000.00',
      dateClosed: clock.now().toISOString(),
      version: 4,
    });
    expect(won.markWon.opportunity.timeInStages).toEqual([
      { stageName: 'New', seconds: 86400 },
      { stageName: 'Qualified', seconds: 86400 },
      { stageName: 'Proposition', seconds: 3600 },
      { stageName: 'Won', seconds: 0 },
    ]);
    const before = await counts();
    const again = await api.request(`mutation { markWon(input: { id: "${opportunityId}" }) { opportunity { id } } }`);
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(await counts()).toEqual(before);
  });

  it('publishes created, three stage changes and won on crm.pipeline.opportunity, full state each', async () => {
    const isDone = (ms: ReadMessage[]) => ms.some((m) => m.key === opportunityId && m.headers['ce_type'] === 'crm.pipeline.opportunity.won.v1');
    const messages = (await readTopic(env.brokers, `${env.topicPrefix}crm.pipeline.opportunity`, isDone)).filter((m) => m.key === opportunityId);
    expect(messages.map((m) => m.headers['ce_type'])).toEqual([
      'crm.pipeline.opportunity.created.v1',
      'crm.pipeline.opportunity.stage_changed.v1',
      'crm.pipeline.opportunity.stage_changed.v1',
      'crm.pipeline.opportunity.stage_changed.v1',
      'crm.pipeline.opportunity.won.v1',
    ]);
    const bodies = messages.map((m) => JSON.parse(m.value!));
    expect(bodies[0].state).toMatchObject({
      id: opportunityId,
      type: 'opportunity',
      name: '200 Office Chairs',
      number: 'LDS/HO/2611/00001',
      customerId,
      salespersonId: salesperson,
      stageName: 'New',
      teamName: 'Sales',
      priority: 3,
      expectedRevenue: '100000000.00',
      currency: 'IDR',
      probability: '90.00',
      proratedRevenue: '90000000.00',
      status: 'open',
      active: true,
      lostReasonName: null,
      version: 1,
    });
    expect(bodies[1]).toMatchObject({
      fromStageId: stages['New'],
      toStageId: stages['Qualified'],
      fromStageName: 'New',
      toStageName: 'Qualified',
      secondsInPreviousStage: 86400,
      changes: { stageId: { from: stages['New'], to: stages['Qualified'] }, stageName: { from: 'New', to: 'Qualified' } },
      state: { stageName: 'Qualified', version: 2 },
    });
    expect(bodies[2]).toMatchObject({ fromStageName: 'Qualified', toStageName: 'Proposition', secondsInPreviousStage: 86400 });
    expect(bodies[3]).toMatchObject({ fromStageName: 'Proposition', toStageName: 'Won', secondsInPreviousStage: 3600 });
    expect(bodies[4]).toMatchObject({
      state: { status: 'won', stageName: 'Won', probability: '100.00', version: 4 },
      changes: { status: { from: 'open', to: 'won' }, probability: { from: '90.00', to: '100.00' } },
    });
    expect(bodies[4].state.dateClosed).toBe(bodies[4].state.updatedAt);
  });

  describe('bad input: a typed error and nothing changed', () => {
    const create = `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`;

    it.each([
      [{ name: 'Chairs', expectedRevenue: '-1' }, 'BAD_USER_INPUT', 'expectedRevenue'],
      [{ name: 'Chairs', probability: '101' }, 'BAD_USER_INPUT', 'probability'],
      [{ name: 'Chairs', currency: 'XYZ' }, 'BAD_USER_INPUT', 'currency'],
      [{ name: 'Chairs', priority: 4 }, 'BAD_USER_INPUT', 'priority'],
      [{ name: ' ' }, 'BAD_USER_INPUT', 'name'],
    ])('create %j → %s on %s', async (input, code, field) => {
      const before = await counts();
      const result = await api.request(create, { input });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code, field });
      expect(await counts()).toEqual(before);
    });

    it('refuses a stage of another team’s pipeline', async () => {
      const team = await api.data(`mutation { createSalesTeam(input: { name: "Europe", currency: "EUR" }) { salesTeam { id pipelines { stages { id } } } } }`);
      const otherStage = await api.data(
        `mutation($input: CreateStageInput!) { createStage(input: $input) { stage { id } } }`,
        { input: { name: 'Negotiation', teamId: team.createSalesTeam.salesTeam.id, sequence: 5 } },
      );
      const fresh = await api.data(create, { input: { name: 'Desks', expectedRevenue: '5000000' } });
      const id = fresh.createOpportunity.opportunity.id;
      const before = await counts();
      const moved = await api.request(`mutation { moveOpportunity(input: { id: "${id}", stageId: "${otherStage.createStage.stage.id}" }) { opportunity { id } } }`);
      expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
      const created = await api.request(create, { input: { name: 'Desks', stageId: otherStage.createStage.stage.id } });
      expect(created.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
      expect(await counts()).toEqual(before);
    });

    it('answers CONFLICT to a stale expectedVersion', async () => {
      const before = await counts();
      const stale = await api.request(`mutation { updateOpportunity(input: { id: "${opportunityId}", expectedVersion: 1, name: "x" }) { opportunity { id } } }`);
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: 1, actualVersion: 4 });
      expect(await counts()).toEqual(before);
    });

    it('refuses to move a lost or an archived card, and to convert an opportunity', async () => {
      const lost = (await api.data(create, { input: { name: 'Lamps' } })).createOpportunity.opportunity.id;
      const reasons = await api.data(`{ lostReasons { id name } }`);
      expect(reasons.lostReasons.map((r: any) => r.name)).toEqual(['Not enough stock', 'Too expensive', "We don't have people/skills"]);
      await api.data(`mutation { markLost(input: { id: "${lost}", lostReasonId: "${reasons.lostReasons[1].id}", lostFeedback: "Budget cut" }) { opportunity { id } } }`);
      const archived = (await api.data(create, { input: { name: 'Tables' } })).createOpportunity.opportunity.id;
      await api.data(`mutation { archiveOpportunity(input: { id: "${archived}" }) { opportunity { id } } }`);
      const before = await counts();
      for (const id of [lost, archived]) {
        const moved = await api.request(`mutation { moveOpportunity(input: { id: "${id}", stageId: "${stages['Qualified']}" }) { opportunity { id } } }`);
        expect(moved.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
      }
      const converted = await api.request(`mutation { convertToOpportunity(input: { id: "${opportunityId}" }) { opportunity { id } } }`);
      expect(converted.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
      expect(await counts()).toEqual(before);
    });

    it('answers NOT_FOUND for an unknown id and FORBIDDEN to a non-administrator deleting', async () => {
      const missing = await api.request(`mutation { markWon(input: { id: "0193a2b4-0000-7000-8000-000000000999" }) { opportunity { id } } }`);
      expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const user = stack.client(await testToken({ id: salesperson, role: 'user_all' }));
      const denied = await user.request(`mutation { deleteOpportunity(input: { id: "${opportunityId}" }) { deletedId } }`);
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
});
