import { Client } from 'pg';
import { ManualClock } from '@crm/runtime';
import { createTestEnv, eventually, readTopic, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * Seed 002's two kinds of leads through the gateway, generated from history by the dealer
 * template's rules.leadGeneration: H1 to H2 (sales whose KPB is due) and H2 to H2 (services
 * 2–3 months ago with no later one), for two branches; the customer linked by its code from
 * the pipeline's copy of the customer master; events on the topic; a second import creates
 * nothing; a branch user imports only their branch's rows.
 */
const IMPORT = `mutation($input: ImportServiceHistoryInput!) {
  importServiceHistory(input: $input) {
    rows created alreadyGenerated notDue failed dryRun ignoredColumns
    errors { line field message code }
    leads { id number type branchId name contactName phone priority customer { id } stage { name } team { id } properties { key value } }
  }
}`;

const HEADER = 'Kind;Branch;Customer Code;No KTP;Name;Phone;Engine No;Sales Date;Date Last Service;Type Last Service;Type Unit;Product;Sales Source;Warna';

describe('pipeline e2e: leads generated from sales and service history (seed 002)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  let samarinda: GraphQLClient;
  let db: Client;
  // 11 July 2020, 09:00 in Jakarta (IND01), 10:00 in Samarinda (SAM01).
  const clock = new ManualClock('2020-07-11T02:00:00Z');
  let pipelineId: string;
  let teamId: string;
  let customer: { id: string; code: string };
  let file: string;

  const props = (o: any) => Object.fromEntries(o.properties.filter((p: any) => p.value !== null).map((p: any) => [p.key, p.value]));
  const leadCount = async () => Number((await db.query('SELECT count(*) FROM pipeline.opportunity WHERE pipeline_id = $1', [pipelineId])).rows[0].count);

  beforeAll(async () => {
    env = await createTestEnv('historyleads');
    stack = await startFullStack(env, clock);
    admin = stack.client(await testToken({ role: 'admin' }));
    samarinda = stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01'], tz: 'Asia/Makassar' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    for (const [id, name, timeZone] of [['SAM01', 'SAMARINDA', 'Asia/Makassar'], ['IND01', 'INDRAMAYU', 'Asia/Jakarta']]) {
      await admin.data(`mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id } } }`, {
        input: { id, name, countryCode: 'ID', timeZone, workshopOpensAt: '08:00', workshopClosesAt: '16:00' },
      });
    }
    const created = await admin.data(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id code } } }`, {
      input: { name: 'RESTU ANDIKA PRADANA PUTRA', branchId: 'SAM01', phone: '085845164510', nationalId: '6472020504010003' },
    });
    customer = created.createContact.contact;
    const team = await admin.data(`mutation { createSalesTeam(input: { name: "Workshop H23", currency: "IDR" }) { salesTeam { id } } }`);
    teamId = team.createSalesTeam.salesTeam.id;
    const pipeline = await admin.data(
      `mutation { createPipeline(input: { teamId: "${teamId}", templateKey: "dealer-h23-follow-up", isDefault: true }) { pipeline { id } } }`,
    );
    pipelineId = pipeline.createPipeline.pipeline.id;
    // The pipeline learns branches and customers from the contacts subgraph's events.
    await eventually(async () => {
      expect((await db.query('SELECT id, time_zone FROM pipeline.branch_copy ORDER BY id')).rows).toEqual([
        { id: 'IND01', time_zone: 'Asia/Jakarta' },
        { id: 'SAM01', time_zone: 'Asia/Makassar' },
      ]);
      expect((await db.query('SELECT code FROM pipeline.contact_copy WHERE id = $1', [customer.id])).rows).toEqual([{ code: customer.code }]);
    });
    file = [
      HEADER,
      // 2: KPB 3 of a 4 Dec 2019 sale: due 1 July, expires 31 July 2020 (as on seed 002's form) → lead, customer by code.
      `SALES;SAM01;${customer.code};;;;KT 2146 FK - KF41E1693525;2019-12-04;;;X1H02N35S2 A/T PLUS [New Vario Techno 150 Plus];X1H02N35S2 A/T PLUS (BL-BLUE);Showroom;blue`,
      // 3: KPB 1 of a 20 June sale is due 20 July: leads from 13 July on → not yet.
      'SALES;SAM01;;;BUDI SANTOSO;081234567890;KF41E2000001;2020-06-20;;;BeAT;BeAT CBS;Showroom;',
      // 4: a sale of July 2019: KPB 4 expired in June 2020 → nothing.
      'SALES;IND01;;;TAWIR;085294233849;JM81E1000002;2019-07-01;;;Supra X;Supra X 125;Showroom;',
      // 5: a regular service 70 days ago → lead (H2 to H2).
      'SERVICE;IND01;;3212011108930008;URYANINGSIH;081312995113;D 5890 KZ - JFK1E1108328;;2020-05-02;REG;;;CRM;',
      // 6: a service 20 days ago → nothing.
      'SERVICE;SAM01;;;SUTIA;;KF41E3000003;;2020-06-21;REG;;;;',
      // 7 and 8: a service 71 days ago, but a later one (21 days ago) → nothing.
      'SERVICE;IND01;;;DAYAT;;JM81E1000004;;2020-05-01;KPB 2;;;;',
      'SERVICE;IND01;;;DAYAT;;JM81E1000004;;2020-06-20;REG;;;;',
      // 9: a bad date; 10: an unknown branch; 11: neither sales nor service.
      'SERVICE;IND01;;;ANSAR;;JM81E1000005;;2020-13-01;REG;;;;',
      'SALES;GOW01;;;RESI;;JM81E1000006;2019-12-04;;;;;;',
      'RENTAL;SAM01;;;M. KOSIM;;JM81E1000007;2019-12-04;;;;;;',
    ].join('\n');
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await env?.cleanup();
  });

  it('shows the template’s rules and validates new ones as configuration', async () => {
    const dealer = await admin.data(`query($id: ID!) { pipeline(id: $id) { rules { leadGeneration {
      timeZone createAs sales { daysAhead kpb { number dueAfterDays expiresAfterDays } properties { key value } } service { minDaysSince maxDaysSince properties { key value } }
    } } } }`, { id: pipelineId });
    expect(dealer.pipeline.rules.leadGeneration).toEqual({
      timeZone: 'Asia/Jakarta',
      createAs: 'OPPORTUNITY',
      sales: {
        daysAhead: 7,
        kpb: [
          { number: 1, dueAfterDays: 30, expiresAfterDays: 60 },
          { number: 2, dueAfterDays: 90, expiresAfterDays: 120 },
          { number: 3, dueAfterDays: 210, expiresAfterDays: 240 },
          { number: 4, dueAfterDays: 330, expiresAfterDays: 360 },
        ],
        properties: [{ key: 'division', value: 'WORKSHOP' }, { key: 'leadCategory', value: 'H1_TO_H2' }, { key: 'serviceRecommendation', value: 'KPB' }],
      },
      service: { minDaysSince: 60, maxDaysSince: 90, properties: [{ key: 'division', value: 'WORKSHOP' }, { key: 'leadCategory', value: 'H2_TO_H2' }, { key: 'serviceRecommendation', value: 'REGULAR' }] },
    });
    const update = `mutation($input: UpdatePipelineInput!) { updatePipeline(input: $input) { pipeline { rules { leadGeneration { createAs service { minDaysSince maxDaysSince properties { key value } } } } } } }`;
    const bad = await admin.request(update, { input: { id: pipelineId, rules: { leadGeneration: { service: { minDaysSince: 90, maxDaysSince: 60 } } } } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.leadGeneration.service.maxDaysSince' });
    const unknown = await admin.request(update, { input: { id: pipelineId, rules: { leadGeneration: { service: { minDaysSince: 60, maxDaysSince: 90, properties: [{ key: 'nope', value: 'x' }] } } } } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.leadGeneration.service.properties.nope' });
    // Nothing changed: the template's rules stand.
    expect((await admin.data(`query($id: ID!) { pipeline(id: $id) { rules { leadGeneration { sales { daysAhead } } } } }`, { id: pipelineId })).pipeline.rules.leadGeneration.sales.daysAhead).toBe(7);
  });

  it('refuses a whole request naming the field, and changes nothing', async () => {
    const [standard] = (await admin.data(`{ salesTeams { pipelines { id templateKey } } }`)).salesTeams.flatMap((t: any) => t.pipelines).filter((p: any) => p.templateKey !== 'dealer-h23-follow-up');
    const cases: [Record<string, unknown>, string][] = [
      [{ pipelineId: '00000000-0000-7000-8000-000000000000', csv: file }, 'pipelineId'],
      [{ pipelineId: standard.id, csv: file }, 'pipelineId'],
      [{ pipelineId, csv: 'Kind;Branch;Name\nSALES;SAM01;X' }, 'csv'],
      [{ pipelineId, csv: file, path: 'history.csv' }, 'path'],
    ];
    for (const [input, field] of cases) {
      const result = await admin.request(IMPORT, { input });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await leadCount()).toBe(0);
  });

  it('a dry run reports what would be created and creates nothing', async () => {
    const dry = (await admin.data(IMPORT, { input: { pipelineId, csv: file, dryRun: true } })).importServiceHistory;
    expect(dry).toMatchObject({ rows: 10, created: 2, alreadyGenerated: 0, notDue: 5, failed: 3, dryRun: true, leads: [] });
    expect(await leadCount()).toBe(0);
  });

  let generated: any[];

  it('creates exactly the leads due, in the first stage, with the history in their properties, and reports every bad row', async () => {
    const result = (await admin.data(IMPORT, { input: { pipelineId, csv: file } })).importServiceHistory;
    expect(result).toMatchObject({ rows: 10, created: 2, alreadyGenerated: 0, notDue: 5, failed: 3, dryRun: false, ignoredColumns: ['Warna'] });
    expect(result.errors).toEqual([
      { line: 9, field: 'Date Last Service', message: '"2020-13-01" is not a date YYYY-MM-DD', code: 'BAD_USER_INPUT' },
      { line: 10, field: 'Branch', message: expect.stringContaining('GOW01 is not known'), code: 'BAD_USER_INPUT' },
      { line: 11, field: 'Kind', message: expect.stringContaining('"RENTAL"'), code: 'BAD_USER_INPUT' },
    ]);
    generated = result.leads;
    const [kpb, service] = generated;
    expect(kpb).toMatchObject({
      type: 'OPPORTUNITY',
      branchId: 'SAM01',
      number: 'LDS/SAM01/2007/00001',
      name: 'KPB 3 service reminder – RESTU ANDIKA PRADANA PUTRA',
      customer: { id: customer.id },
      contactName: null,
      stage: { name: 'New' },
      team: { id: teamId },
    });
    expect(props(kpb)).toEqual({
      leadCategory: 'H1_TO_H2',
      serviceRecommendation: 'KPB',
      division: 'WORKSHOP',
      sourceDocument: 'H1/KF41E1693525/KPB3',
      customerCode: customer.code,
      // From the customer master (the pipeline's copy), as the lead form takes them.
      nationalId: '6472020504010003',
      engineNumber: 'KT 2146 FK - KF41E1693525',
      salesDate: '2019-12-04',
      salesSource: 'SHOWROOM',
      unitType: 'X1H02N35S2 A/T PLUS [New Vario Techno 150 Plus]',
      product: 'X1H02N35S2 A/T PLUS (BL-BLUE)',
      kpbNumber: '3',
      kpbExpiry: '2020-07-31',
    });
    expect(service).toMatchObject({
      type: 'OPPORTUNITY',
      branchId: 'IND01',
      number: 'LDS/IND01/2007/00001',
      name: 'Service reminder – URYANINGSIH',
      customer: null,
      contactName: 'URYANINGSIH',
      phone: '081312995113',
      // The template's rule: KTP and phone known → priority High.
      priority: 2,
      stage: { name: 'New' },
    });
    expect(props(service)).toEqual({
      leadCategory: 'H2_TO_H2',
      serviceRecommendation: 'REGULAR',
      division: 'WORKSHOP',
      sourceDocument: 'H2/JFK1E1108328/2020-05-02',
      nationalId: '3212011108930008',
      engineNumber: 'D 5890 KZ - JFK1E1108328',
      salesSource: 'CRM',
      lastServiceType: 'REG',
      lastServiceDate: '2020-05-02',
    });
    expect(await leadCount()).toBe(2);
  });

  it('publishes a created event for each through the outbox', async () => {
    const ids = generated.map((o) => o.id);
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.pipeline.opportunity`, (ms) =>
      ids.every((id) => ms.some((m) => m.key === id && m.headers['ce_type'] === 'crm.pipeline.opportunity.created.v1')),
    );
    const created = messages.filter((m) => ids.includes(m.key!)).map((m) => JSON.parse(m.value!));
    expect(created.map((e) => e.state.branchId).sort()).toEqual(['IND01', 'SAM01']);
    expect(created.map((e) => e.state.properties.sourceDocument).sort()).toEqual(['H1/KF41E1693525/KPB3', 'H2/JFK1E1108328/2020-05-02']);
  });

  it('a second import, or an overlapping file, creates nothing twice', async () => {
    const again = (await admin.data(IMPORT, { input: { pipelineId, csv: file } })).importServiceHistory;
    expect(again).toMatchObject({ created: 0, alreadyGenerated: 2, notDue: 5, failed: 3, leads: [] });
    // A week later KPB 1 of the June sale is due; the lines already generated are not generated again.
    clock.advance(7 * 86_400_000);
    const overlap = [HEADER, ...file.split('\n').slice(1, 3)].join('\n');
    const later = (await admin.data(IMPORT, { input: { pipelineId, csv: overlap } })).importServiceHistory;
    expect(later).toMatchObject({ rows: 2, created: 1, alreadyGenerated: 1, notDue: 0 });
    expect(props(later.leads[0])).toMatchObject({ sourceDocument: 'H1/KF41E2000001/KPB1', kpbNumber: '1', kpbExpiry: '2020-08-19' });
    expect(later.leads[0]).toMatchObject({ contactName: 'BUDI SANTOSO', branchId: 'SAM01' });
    expect(await leadCount()).toBe(3);
  });

  it('a branch user imports their branch’s rows only: another branch’s are refused row by row', async () => {
    const mixed = [
      HEADER,
      'SERVICE;IND01;;;TARJO;;JM81E1000010;;2020-05-05;REG;;;;',
      'SERVICE;SAM01;;;ANDI;;KF41E1000011;;2020-05-05;REG;;;;',
    ].join('\n');
    const result = (await samarinda.data(IMPORT, { input: { pipelineId, csv: mixed } })).importServiceHistory;
    expect(result).toMatchObject({ rows: 2, created: 1, failed: 1 });
    expect(result.errors).toEqual([{ line: 2, field: 'Branch', message: expect.stringContaining('not one of your branches'), code: 'FORBIDDEN' }]);
    expect(result.leads.map((o: any) => [o.branchId, o.name])).toEqual([['SAM01', 'Service reminder – ANDI']]);
    const ind = await db.query(`SELECT count(*) FROM pipeline.opportunity WHERE properties->>'engineNumber' = 'JM81E1000010'`);
    expect(Number(ind.rows[0].count)).toBe(0);
    // Head office users who are not administrators, and server files, are for administrators.
    const user = stack.client(await testToken({ role: 'user_all' }));
    expect((await user.request(IMPORT, { input: { pipelineId, csv: mixed } })).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await samarinda.request(IMPORT, { input: { pipelineId, path: 'history.csv' } })).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
