import { Client } from 'pg';
import { createTestEnv, eventually, readTopic, SmtpSink, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { startFullStack } from '../src/full-stack';

/**
 * Seed 000's tail through the gateway: the Avengers opportunity (pipeline) → New Quotation for
 * 200 Office Chairs (sales) → sent by e-mail with the PDF (a real SMTP server) → confirmed into
 * a sales order → the opportunity shows it (federated fields of two subgraphs in one query).
 */
describe('sales e2e: quotation from the Avengers opportunity, e-mailed, confirmed', () => {
  let env: TestEnv;
  let stack: Stack;
  let api: GraphQLClient;
  let sink: SmtpSink;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnv('e2esalesq');
    sink = await SmtpSink.start();
    process.env['SMTP_URL'] = sink.url;
    stack = await startFullStack(env);
    await stack.subgraph('sales').consumersReady();
    api = stack.client(await testToken({ role: 'admin' }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await sink?.stop();
    await env?.cleanup();
  });

  it('runs the story of seed 000 from the opportunity to the sales order', async () => {
    const customer = (
      await api.data(`mutation { createContact(input: { name: "PT Avengers Initiative", email: "procurement@avengers.co.id" }) { contact { id } } }`)
    ).createContact.contact.id;
    const opportunity = (
      await api.data(
        `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`,
        { input: { name: '200 Office Chairs', customerId: customer, expectedRevenue: '100000000', currency: 'IDR' } },
      )
    ).createOpportunity.opportunity.id;
    const vat = (await api.data(`mutation { createTax(input: { name: "PPN 11%", percent: "11" }) { tax { id } } }`)).createTax.tax.id;
    const chair = (
      await api.data(`mutation($taxes: [ID!]) { createProduct(input: { name: "Office Chair", internalReference: "FURN-0001",
        listPrice: "500000", currency: "IDR", taxIds: $taxes }) { product { id } } }`, { taxes: [vat] })
    ).createProduct.product.id;

    // Sales learns of the opportunity and the customer from their events.
    const quotation = await eventually(async () => {
      const created = await api.data(
        `mutation($input: NewQuotationFromOpportunityInput!) { newQuotationFromOpportunity(input: $input) { quotation {
           id number state version amountUntaxed amountTax amountTotal origin customer { id name email } opportunity { id name }
           lines { description quantity unitPrice subtotal product { name } } } } }`,
        { input: { opportunityId: opportunity, lines: [{ productId: chair, quantity: '200' }] } },
      );
      return created.newQuotationFromOpportunity.quotation;
    });
    expect(quotation).toMatchObject({
      number: 'S00001',
      state: 'DRAFT',
      origin: '200 Office Chairs',
      amountUntaxed: '100000000.00',
      amountTax: '11000000.00',
      amountTotal: '111000000.00',
      customer: { id: customer, name: 'PT Avengers Initiative', email: 'procurement@avengers.co.id' },
      opportunity: { id: opportunity, name: '200 Office Chairs' },
      lines: [{ description: '[FURN-0001] Office Chair', quantity: '200', unitPrice: '500000', subtotal: '100000000.00', product: { name: 'Office Chair' } }],
    });

    await eventually(async () => {
      const { rows } = await db.query('SELECT email FROM sales.contact_copy WHERE id = $1', [customer]);
      expect(rows[0]?.email).toBe('procurement@avengers.co.id');
    });
    const sent = await api.data(
      `mutation($input: SendQuotationInput!) { sendQuotation(input: $input) { quotation { state version lastSentAt } } }`,
      { input: { id: quotation.id, expectedVersion: 1 } },
    );
    expect(sent.sendQuotation.quotation).toMatchObject({ state: 'SENT', version: 2 });
    const mail = await sink.waitFor((m) => m.subject?.includes('S00001') ?? false);
    expect((mail.to as any).value[0].address).toBe('procurement@avengers.co.id');
    expect(mail.html).toContain('IDR 111,000,000.00');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['Quotation - S00001.pdf', 'application/pdf']]);
    expect(mail.attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');

    // The team decides that confirming an order wins the opportunity (Odoo leaves it to a click).
    const team = (await api.data(`query($id: ID!) { opportunity(id: $id) { status team { id version } } }`, { id: opportunity })).opportunity;
    expect(team.status).toBe('OPEN');
    await api.data(
      `mutation($input: UpdateSalesTeamInput!) { updateSalesTeam(input: $input) { salesTeam { orderConfirmationMarksWon } } }`,
      { input: { id: team.team.id, expectedVersion: team.team.version, orderConfirmationMarksWon: true } },
    );
    await eventually(async () => {
      const { rows } = await db.query('SELECT 1 FROM sales.team_copy WHERE id = $1 AND order_confirmation_marks_won', [team.team.id]);
      expect(rows).toHaveLength(1);
    });

    const confirmed = await api.data(
      `mutation($input: QuotationTransitionInput!) { confirmQuotation(input: $input) { quotation { state orderDate } } }`,
      { input: { id: quotation.id, expectedVersion: 2 } },
    );
    expect(confirmed.confirmQuotation.quotation.state).toBe('SALE');

    // One query, two subgraphs: the pipeline's opportunity with the sales figures on it.
    const board = await api.data(
      `query($id: ID!) { opportunity(id: $id) { name expectedRevenue customer { name } quotationCount saleOrderCount saleAmountTotal
         salesCurrency quotations(first: 5) { totalCount edges { node { number state amountTotal } } } } }`,
      { id: opportunity },
    );
    expect(board.opportunity).toEqual({
      name: '200 Office Chairs',
      expectedRevenue: expect.stringMatching(/^100000000(\.0+)?$/),
      customer: { name: 'PT Avengers Initiative' },
      quotationCount: 0,
      saleOrderCount: 1,
      saleAmountTotal: '100000000.00',
      salesCurrency: 'IDR',
      quotations: { totalCount: 1, edges: [{ node: { number: 'S00001', state: 'SALE', amountTotal: '111000000.00' } }] },
    });

    // The confirmation is on Kafka for the pipeline (mark won per team setting) and for activities (chatter).
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.quotation`, (ms) =>
      ms.some((m) => m.headers['ce_type'] === 'crm.sales.quotation.confirmed.v1'),
    );
    expect(messages.filter((m) => m.key === quotation.id).map((m) => m.headers['ce_type'])).toEqual([
      'crm.sales.quotation.created.v1',
      'crm.sales.quotation.sent.v1',
      'crm.sales.quotation.confirmed.v1',
    ]);
    const event = JSON.parse(messages.find((m) => m.headers['ce_type'] === 'crm.sales.quotation.confirmed.v1')!.value!);
    expect(event.state).toMatchObject({ opportunityId: opportunity, state: 'sale' });
    expect(event.marksOpportunityWon).toBe(true);

    // The pipeline follows the confirmation: the opportunity ends won, in the won stage, at 100 %.
    const won = await eventually(async () => {
      const data = await api.data(`query($id: ID!) { opportunity(id: $id) { status probability stage { name isWon } } }`, { id: opportunity });
      expect(data.opportunity.status).toBe('WON');
      return data.opportunity;
    });
    expect(won).toMatchObject({ stage: { name: 'Won', isWon: true } });
    expect(Number(won.probability)).toBe(100);

    // The quotation's chatter (activities subgraph, from the same events): created, sent by email, confirmed.
    const chatter = await eventually(async () => {
      const data = await api.data(`query($id: ID!) { messages(resourceType: "Quotation", resourceId: $id) { totalCount edges { node { kind body sourceEventType } } } }`, {
        id: quotation.id,
      });
      expect(data.messages.totalCount).toBe(3);
      return data.messages.edges.map((e: any) => e.node);
    });
    expect(chatter.map((m: any) => m.sourceEventType)).toEqual([
      'crm.sales.quotation.confirmed.v1',
      'crm.sales.quotation.sent.v1',
      'crm.sales.quotation.created.v1',
    ]);
    expect(chatter[1]).toMatchObject({ kind: 'MESSAGE', body: 'Quotation S00001 sent by email' });
    expect(chatter[0].body).toMatch(/^Quotation confirmed: Sales Order S00001/);
  });
});
