import type { DemoContext, DemoStep } from '../step';

/**
 * Seed 000's opportunity on the default Sales board (PT Avengers Initiative, 200 Office
 * Chairs, 100,000,000 IDR, 90 %, priority Very High, in Proposition), a few more cards (one in
 * USD, to show the board converting currencies), and seed 002's motorcycle dealer: a workshop
 * team whose pipeline is created from the shipped dealer-h23-follow-up template, with a
 * branch lead and a converted opportunity in Follow Up 1, and a Manado KPB 2 reminder followed up
 * and won (the sales step books its workshop visit), and the dealer's generated leads: a small
 * sales and service history imported by the template's lead-generation rules (H1 to H2: KPB
 * due; H2 to H2: no service for 2–3 months). The demo users join their teams here.
 */
/** A calendar day in Manado (WITA), `days` from today. */
function day(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar' }).format(new Date(Date.now() + days * 86_400_000));
}

async function createOpportunity({ api }: DemoContext, input: Record<string, unknown>): Promise<string> {
  const created = await api.data(
    `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`,
    { input },
  );
  return created.createOpportunity.opportunity.id;
}

async function move({ api }: DemoContext, id: string, stageId: string, properties?: { key: string; value: string }[]): Promise<void> {
  await api.data(`mutation($input: MoveOpportunityInput!) { moveOpportunity(input: $input) { opportunity { id } } }`, {
    input: { id, stageId, properties },
  });
}

export const pipelineStep: DemoStep = {
  name: 'pipeline',
  async run(ctx) {
    const { api, ids } = ctx;
    const board = await api.data(`{ pipelineBoard { team { id } pipeline { id } columns { stage { id name } } } }`);
    ids['team.sales'] = board.pipelineBoard.team.id;
    ids['pipeline.sales'] = board.pipelineBoard.pipeline.id;
    const stage = Object.fromEntries(board.pipelineBoard.columns.map((c: { stage: { id: string; name: string } }) => [c.stage.name, c.stage.id]));
    const user = (key: string) => ids[`user.${key}`]!;
    await api.data(`mutation($input: UpdateSalesTeamInput!) { updateSalesTeam(input: $input) { salesTeam { id } } }`, {
      input: { id: ids['team.sales'], leaderId: user('manager'), memberIds: [user('manager')] },
    });

    for (const [key, name, color] of [
      ['furniture', 'Furniture', 3],
      ['services', 'Services', 5],
      ['export', 'Export', 9],
    ] as const) {
      const tag = await api.data(`mutation($input: CreateOpportunityTagInput!) { createOpportunityTag(input: $input) { tag { id } } }`, {
        input: { name, color },
      });
      ids[`tag.${key}`] = tag.createOpportunityTag.tag.id;
    }

    ids['opportunity.chairs'] = await createOpportunity(ctx, {
      name: '200 Office Chairs',
      customerId: ids['contact.avengers'],
      contactName: 'Pepper Potts',
      expectedRevenue: '100000000',
      currency: 'IDR',
      probability: '90',
      priority: 3,
      tagIds: [ids['tag.furniture']],
      source: 'Phone',
      description: 'After an incident between Hulk and Pietro Maximoff; their 600 chairs came from us.',
    });
    await move(ctx, ids['opportunity.chairs']!, stage['Qualified']);
    await move(ctx, ids['opportunity.chairs']!, stage['Proposition']);

    ids['opportunity.service'] = await createOpportunity(ctx, {
      name: 'Service contract 2027',
      customerId: ids['contact.daya'],
      expectedRevenue: '45000000',
      currency: 'IDR',
      priority: 1,
      tagIds: [ids['tag.services']],
    });
    await move(ctx, ids['opportunity.service']!, stage['Qualified']);

    ids['opportunity.desks'] = await createOpportunity(ctx, {
      name: 'Ergonomic desks (export)',
      customerId: ids['contact.avengers'],
      expectedRevenue: '12000',
      currency: 'USD',
      priority: 2,
      tagIds: [ids['tag.furniture'], ids['tag.export']],
      expectedClosing: '2027-03-31',
    });

    // Seed 002: the dealer's workshop follow-up process, from the template shipped as configuration.
    const dealerPeople = ['sam01.head', 'sam01.team', 'sam01.sales', 'man01.head', 'man01.sales'];
    const team = await api.data(`mutation($input: CreateSalesTeamInput!) { createSalesTeam(input: $input) { salesTeam { id } } }`, {
      input: { name: 'Daya Motor Workshop H23', currency: 'IDR', useLeads: true, emailAlias: 'h23', leaderId: user('sam01.team'), memberIds: dealerPeople.map(user) },
    });
    ids['team.dealer'] = team.createSalesTeam.salesTeam.id;
    // Membership is set once, on the team (as in Odoo): contacts follows the team's event into each
    // user's teamIds, which their next token carries (user_team: their teams' documents; user_own:
    // the unassigned ones of their teams).
    const pipeline = await api.data(
      `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { pipeline { id stages { id name } } } }`,
      { input: { teamId: ids['team.dealer'], templateKey: 'dealer-h23-follow-up', isDefault: true } },
    );
    ids['pipeline.dealer'] = pipeline.createPipeline.pipeline.id;
    const dealerStage = Object.fromEntries(pipeline.createPipeline.pipeline.stages.map((s: { id: string; name: string }) => [s.name, s.id]));

    const lead = await api.data(`mutation($input: CreateLeadInput!) { createLead(input: $input) { opportunity { id } } }`, {
      input: {
        name: 'Honda Vario 125 — KPB 1 follow-up',
        teamId: ids['team.dealer'],
        branchId: 'A-BAN04',
        customerId: ids['contact.pangestu'],
        contactName: 'PANGESTU',
        source: 'CRM',
        properties: [
          { key: 'division', value: 'WORKSHOP' },
          { key: 'leadCategory', value: 'H2_TO_H2' },
          { key: 'occupation', value: 'KARYAWAN_SWASTA' },
          { key: 'salesSource', value: 'CRM' },
          { key: 'lastServiceType', value: 'REG' },
          { key: 'lastServiceDate', value: '2020-04-30' },
          { key: 'serviceRecommendation', value: 'REGULAR' },
          { key: 'engineNumber', value: 'JFK1E1108328' },
        ],
      },
    });
    ids['opportunity.kpb'] = lead.createLead.opportunity.id;
    await api.data(
      `mutation { convertToOpportunity(input: { id: "${ids['opportunity.kpb']}", customer: { action: EXISTING, customerId: "${ids['contact.pangestu']}" } }) { opportunity { id } } }`,
    );
    await move(ctx, ids['opportunity.kpb']!, dealerStage['Follow Up 1'], [
      { key: 'followUp1', value: '2020-07-11' },
      { key: 'prospectRating', value: 'COLD' },
      { key: 'customerStatus', value: 'TERHUBUNG' },
    ]);

    const restu = await api.data(`mutation($input: CreateLeadInput!) { createLead(input: $input) { opportunity { id } } }`, {
      input: {
        name: 'KPB 3 service reminder',
        teamId: ids['team.dealer'],
        branchId: 'SAM01',
        salespersonId: user('sam01.sales'),
        contactName: 'RESTU ANDIKA PRADANA PUTRA',
        phone: '085845164510',
        properties: [
          { key: 'occupation', value: 'MAHASISWA' },
          { key: 'serviceRecommendation', value: 'KPB' },
          { key: 'kpbNumber', value: '3' },
          // Due in ten days: the dealer's reminder rules (activities) plan the H-7 message and the H-3 call.
          { key: 'kpbExpiry', value: day(10) },
          { key: 'unitType', value: 'X1H02N35S2 A/T PLUS [New Vario Techno 150 Plus]' },
          { key: 'engineNumber', value: 'KF41E1693525' },
        ],
      },
    });
    ids['lead.restu'] = restu.createLead.opportunity.id;

    // Seed 002 in Manado: a KPB 2 reminder followed up by the branch's salesperson and won — the
    // customer books the workshop (the sales step creates the booking service).
    ids['opportunity.sultje'] = await createOpportunity(ctx, {
      name: 'KPB 2 reminder — Honda Vario',
      teamId: ids['team.dealer'],
      branchId: 'MAN01',
      salespersonId: user('man01.sales'),
      customerId: ids['contact.sultje'],
      phone: '082187479254',
      source: 'CRM',
      properties: [
        { key: 'division', value: 'WORKSHOP' },
        { key: 'leadCategory', value: 'H1_TO_H2' },
        { key: 'occupation', value: 'WIRASWASTA' },
        { key: 'serviceRecommendation', value: 'KPB' },
        { key: 'kpbNumber', value: '2' },
        { key: 'unitType', value: 'Honda Vario 125' },
        { key: 'engineNumber', value: 'JM82E1033045' },
      ],
    });
    await move(ctx, ids['opportunity.sultje']!, dealerStage['Follow Up 1'], [
      { key: 'followUp1', value: day(-2) },
      { key: 'prospectRating', value: 'HOT' },
      { key: 'customerStatus', value: 'TERHUBUNG' },
    ]);
    await api.data(`mutation($id: ID!) { markWon(input: { id: $id }) { opportunity { id } } }`, { id: ids['opportunity.sultje'] });

    await importHistory(ctx);
  },
};

/**
 * Seed 002's two kinds of leads generated from history: Bengkulu and Samarinda sales whose KPB
 * is due (FENTI ZUMARNI is linked by her customer code), an Indramayu service 70 days ago; a
 * Manado service 20 days ago generates nothing yet.
 */
async function importHistory({ api, ids }: DemoContext): Promise<void> {
  const csv = [
    'Kind;Branch;Customer Code;Name;Phone;Engine No;Sales Date;Date Last Service;Type Last Service;Type Unit;Sales Source',
    `SALES;BEN01;BPA/2003/1687405;FENTI ZUMARNI;085268550800;BD 2035 ID - JM81E1056206;${day(-85)};;;Honda Vario 125;Showroom`,
    `SALES;SAM01;;BUDI SANTOSO;081234567890;KF41E2000001;${day(-40)};;;Honda BeAT;Showroom`,
    `SERVICE;IND01;;URYANINGSIH;081312995113;D 5890 KZ - JFK1E2208328;;${day(-70)};REG;Honda Supra X 125;CRM`,
    `SERVICE;MAN01;;SULTJE ADOLONG;082187479254;JM82E1033045;;${day(-20)};KPB 2;Honda Vario 125;`,
  ].join('\n');
  const query = `mutation($input: ImportServiceHistoryInput!) { importServiceHistory(input: $input) { created errors { line field message } leads { id } } }`;
  // The pipeline learns the branches from the contacts subgraph's events: wait until it knows them.
  for (let attempt = 0; ; attempt += 1) {
    const dry = await api.data(query, { input: { pipelineId: ids['pipeline.dealer'], csv, dryRun: true } });
    if (dry.importServiceHistory.errors.length === 0) break;
    if (attempt >= 60) throw new Error(`history import: ${JSON.stringify(dry.importServiceHistory.errors)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const result = await api.data(query, { input: { pipelineId: ids['pipeline.dealer'], csv } });
  result.importServiceHistory.leads.forEach((o: { id: string }, i: number) => (ids[`lead.generated.${i}`] = o.id));
}
