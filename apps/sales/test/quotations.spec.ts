import { Client } from 'pg';
import { queryCount } from '@crm/db';
import { ManualClock } from '@crm/runtime';
import { createTestEnv, eventually, readTopic, SmtpSink, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { salesModule } from '../src/module';
import { ContractPublisher, contactEvent, newId, opportunity, opportunityEvent, teamEvent } from './support';

const QUOTATION_FIELDS = `id number state version currency origin campaign medium source tagIds salespersonId teamId branchId
  quotationDate validityDate orderDate amountUntaxed amountTax amountTotal customer { id } invoiceAddress { id } deliveryAddress { id }
  opportunity { id } lines { id description quantity unitPrice discount subtotal tax total product { id name } taxes { name amount tax { id } } }
  taxTotals { name base amount }`;
const NEW_FROM_OPPORTUNITY = `mutation($input: NewQuotationFromOpportunityInput!) { newQuotationFromOpportunity(input: $input) { quotation { ${QUOTATION_FIELDS} } } }`;
const UPDATE = `mutation($input: UpdateQuotationInput!) { updateQuotation(input: $input) { quotation { ${QUOTATION_FIELDS} } } }`;
const SEND = `mutation($input: SendQuotationInput!) { sendQuotation(input: $input) { quotation { id state version lastSentAt } } }`;
const CONFIRM = `mutation($input: QuotationTransitionInput!) { confirmQuotation(input: $input) { quotation { id state version orderDate } } }`;
const CANCEL = `mutation($input: QuotationTransitionInput!) { cancelQuotation(input: $input) { quotation { id state version } } }`;
const TO_DRAFT = `mutation($input: QuotationTransitionInput!) { setQuotationToDraft(input: $input) { quotation { id state version orderDate } } }`;
const OPPORTUNITY_SALES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Opportunity { id quotationCount quotationAmountTotal
  saleOrderCount saleAmountTotal salesCurrency quotations(first: 10) { totalCount edges { node { number state } } } } } }`;

describe('sales: products, taxes and quotations on real Postgres and Kafka', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  let db: Client;
  let sink: SmtpSink;
  let publisher: ContractPublisher;
  const clock = new ManualClock('2026-11-23T02:00:00Z'); // 09:00 in Jakarta
  const salesperson = newId();
  const team = newId();
  const avengers = newId();
  const pepper = newId();
  const invoiceDept = newId();
  const stranger = newId();
  const chairsOpportunity = newId();
  let vat: string;
  let chair: string;
  let desk: string;

  beforeAll(async () => {
    env = await createTestEnv('salesq');
    sink = await SmtpSink.start(0, { rejectRecipient: (address) => address.startsWith('nobody@') });
    process.env['SMTP_URL'] = sink.url;
    process.env['SMTP_TIMEOUT_MS'] = '3000';
    stack = await startStack({ env, modules: [salesModule], clock });
    admin = stack.client(await testToken({ role: 'admin', id: salesperson, teamIds: [team] }));
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    publisher = await ContractPublisher.connect(env);
    await publisher.publish(contactEvent({ id: avengers, name: 'PT Avengers Initiative', email: 'procurement@avengers.co.id', city: 'Jakarta' }));
    await publisher.publish(contactEvent({ id: pepper, name: 'Pepper Potts', kind: 'person', parentId: avengers, email: 'pepper@avengers.co.id' }));
    await publisher.publish(contactEvent({ id: invoiceDept, name: 'Avengers Finance', kind: 'person', parentId: avengers, addressType: 'invoice' }));
    await publisher.publish(contactEvent({ id: stranger, name: 'Hydra', email: 'x@hydra.example' }));
    await publisher.publish(teamEvent('created', { id: team, version: 1, name: 'Direct Sales', orderConfirmationMarksWon: true }));
    await publisher.publish(
      opportunityEvent(
        'created',
        opportunity({
          id: chairsOpportunity,
          version: 1,
          customerId: avengers,
          salespersonId: salesperson,
          teamId: team,
          campaign: 'Hulk incident',
          medium: 'Phone',
          source: 'Referral',
          tagIds: ['furniture'],
          branchId: 'JKT01',
        }),
      ),
    );
    await eventually(async () => {
      const { rows } = await db.query(
        `SELECT (SELECT count(*)::int FROM sales.contact_copy) AS contacts, (SELECT count(*)::int FROM sales.opportunity_copy) AS opps,
           (SELECT count(*)::int FROM sales.team_copy) AS teams`,
      );
      expect(rows[0]).toEqual({ contacts: 4, opps: 1, teams: 1 });
    });
  });

  afterAll(async () => {
    await publisher?.stop();
    await db?.end();
    await stack?.stop();
    await sink?.stop();
    await env?.cleanup();
  });

  async function counts(): Promise<Record<string, number>> {
    const { rows } = await db.query(
      `SELECT (SELECT count(*)::int FROM sales.quotation) AS quotations, (SELECT count(*)::int FROM sales.quotation_line) AS lines,
         (SELECT count(*)::int FROM sales.outbox WHERE topic = 'crm.sales.quotation') AS events, (SELECT coalesce(sum(version), 0)::int FROM sales.quotation) AS versions`,
    );
    return rows[0];
  }

  it('lets administrators manage taxes and products, and nobody else', async () => {
    const tax = await admin.data(`mutation { createTax(input: { name: "PPN 11%", percent: "11" }) { tax { id name percent priceIncluded active } } }`);
    expect(tax.createTax.tax).toMatchObject({ name: 'PPN 11%', percent: '11', priceIncluded: false, active: true });
    vat = tax.createTax.tax.id;
    const created = await admin.data(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id name listPrice currency type taxes { name } } } }`,
      { input: { name: 'Office Chair', internalReference: 'FURN-0001', listPrice: '500000', currency: 'IDR', taxIds: [vat] } },
    );
    expect(created.createProduct.product).toMatchObject({ listPrice: '500000', currency: 'IDR', type: 'GOODS', taxes: [{ name: 'PPN 11%' }] });
    chair = created.createProduct.product.id;
    const deskProduct = await admin.data(
      `mutation { createProduct(input: { name: "Standing Desk", internalReference: "FURN-0002", listPrice: "2500000.50" }) { product { id version } } }`,
    );
    desk = deskProduct.createProduct.product.id;

    const user = stack.client(await testToken({ role: 'user_all' }));
    const forbidden = await user.request(`mutation { createTax(input: { name: "VAT 10%", percent: "10" }) { tax { id } } }`);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const duplicate = await admin.request(`mutation { createTax(input: { name: "ppn 11%", percent: "11" }) { tax { id } } }`);
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    const listed = await user.data(`{ products(first: 10, orderBy: { field: NAME }) { totalCount edges { node { name } } } }`);
    expect(listed.products.edges.map((e: any) => e.node.name)).toEqual(['Office Chair', 'Standing Desk']);
  });

  let quotation: any;

  it('makes a quotation from the opportunity: everything copied, linked back, amounts exact', async () => {
    const result = await admin.data(NEW_FROM_OPPORTUNITY, {
      input: { opportunityId: chairsOpportunity, lines: [{ productId: chair, quantity: '200' }] },
    });
    quotation = result.newQuotationFromOpportunity.quotation;
    expect(quotation).toMatchObject({
      number: 'S00001',
      state: 'DRAFT',
      version: 1,
      currency: 'IDR',
      origin: '200 Office Chairs',
      campaign: 'Hulk incident',
      medium: 'Phone',
      source: 'Referral',
      tagIds: ['furniture'],
      salespersonId: salesperson,
      teamId: team,
      branchId: 'JKT01',
      quotationDate: '2026-11-23',
      validityDate: '2026-12-23',
      orderDate: null,
      customer: { id: avengers },
      invoiceAddress: { id: invoiceDept },
      deliveryAddress: { id: avengers },
      opportunity: { id: chairsOpportunity },
      amountUntaxed: '100000000.00',
      amountTax: '11000000.00',
      amountTotal: '111000000.00',
      taxTotals: [{ name: 'PPN 11%', base: '100000000.00', amount: '11000000.00' }],
    });
    expect(quotation.lines).toEqual([
      expect.objectContaining({
        description: '[FURN-0001] Office Chair',
        quantity: '200',
        unitPrice: '500000',
        discount: '0',
        subtotal: '100000000.00',
        tax: '11000000.00',
        total: '111000000.00',
        product: { id: chair, name: 'Office Chair' },
        taxes: [{ name: 'PPN 11%', amount: '11000000.00', tax: { id: vat } }],
      }),
    ]);
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.quotation`, (ms) => ms.some((m) => m.key === quotation.id));
    const created = messages.find((m) => m.key === quotation.id)!;
    expect(created.headers['ce_type']).toBe('crm.sales.quotation.created.v1');
    expect(JSON.parse(created.value!).state).toMatchObject({
      id: quotation.id,
      number: 'S00001',
      state: 'draft',
      opportunityId: chairsOpportunity,
      amountTotal: '111000000.00',
      lines: [expect.objectContaining({ quantity: '200', subtotal: '100000000.00', taxIds: [vat] })],
    });
  });

  it.each([
    [{ lines: [{ productId: 'chair', quantity: '0' }] }, 'lines.0.productId'],
    [{ lines: [{ productId: 'P', quantity: '1' }] }, 'lines.0.productId'],
    [{ lines: [{ quantity: '0' }] }, 'lines.0.quantity'],
    [{ lines: [{ quantity: '-5' }] }, 'lines.0.quantity'],
    [{ lines: [{ discount: '101' }] }, 'lines.0.discount'],
    [{ lines: [{ discount: '-0.5' }] }, 'lines.0.discount'],
    [{ invoiceAddressId: 'STRANGER' }, 'invoiceAddressId'],
    [{ validityDate: '2026-11-01' }, 'validityDate'],
  ])('rejects %j with BAD_USER_INPUT on %s and changes nothing', async (patch, field) => {
    const before = await counts();
    const input: Record<string, unknown> = { id: quotation.id, expectedVersion: quotation.version, ...patch };
    if (input['invoiceAddressId'] === 'STRANGER') input['invoiceAddressId'] = stranger;
    if (Array.isArray(input['lines'])) {
      input['lines'] = (input['lines'] as Record<string, unknown>[]).map((l) => ({
        ...l,
        productId: l['productId'] === 'P' ? newId() : l['productId'] === undefined ? chair : l['productId'],
      }));
    }
    const result = await admin.request(UPDATE, { input });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await counts()).toEqual(before);
  });

  it('refuses an archived product and a stale version', async () => {
    const archived = await admin.data(
      `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { active version } } }`,
      { input: { id: desk, expectedVersion: 1, active: false } },
    );
    expect(archived.updateProduct.product).toEqual({ active: false, version: 2 });
    const before = await counts();
    const refused = await admin.request(UPDATE, { input: { id: quotation.id, lines: [{ productId: desk, quantity: '1' }] } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines.0.productId' });
    const stale = await admin.request(UPDATE, { input: { id: quotation.id, expectedVersion: 99, note: 'x' } });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: 99, actualVersion: 1 });
    expect(await counts()).toEqual(before);
  });

  it('edits lines with a discount and keeps line ids', async () => {
    const line = quotation.lines[0];
    const result = await admin.data(UPDATE, {
      input: {
        id: quotation.id,
        expectedVersion: 1,
        lines: [
          { id: line.id, productId: chair, quantity: '200', discount: '2.5' },
          { description: 'Delivery to Avengers HQ', quantity: '1', unitPrice: '1250000', taxIds: [vat] },
        ],
      },
    });
    quotation = result.updateQuotation.quotation;
    expect(quotation.version).toBe(2);
    expect(quotation.lines[0].id).toBe(line.id);
    expect(quotation.lines.map((l: any) => l.subtotal)).toEqual(['97500000.00', '1250000.00']);
    expect(quotation).toMatchObject({ amountUntaxed: '98750000.00', amountTax: '10862500.00', amountTotal: '109612500.00' });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.quotation`, (ms) =>
      ms.some((m) => m.headers['ce_type'] === 'crm.sales.quotation.updated.v1'),
    );
    const updated = JSON.parse(messages.find((m) => m.headers['ce_type'] === 'crm.sales.quotation.updated.v1')!.value!);
    expect(updated.changes.amountTotal).toEqual({ from: '111000000.00', to: '109612500.00' });
    expect(updated.changes.lines.to).toHaveLength(2);
  });

  it('e-mails the quotation with its PDF; an unreachable SMTP server changes nothing and a retry works', async () => {
    const port = sink.port;
    await sink.stop();
    const before = await counts();
    const failed = await admin.request(SEND, { input: { id: quotation.id, expectedVersion: 2 } });
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'smtp' });
    expect(failed.errors?.[0]?.message).toMatch(/S00001 was not sent: the mail server 127\.0\.0\.1:\d+ failed .*ECONNREFUSED/);
    expect(await counts()).toEqual(before);
    const still = await admin.data(`query($id: ID!) { quotation(id: $id) { state version } }`, { id: quotation.id });
    expect(still.quotation).toEqual({ state: 'DRAFT', version: 2 });

    sink = await SmtpSink.start(port, { rejectRecipient: (address) => address.startsWith('nobody@') });
    const sent = await admin.data(SEND, { input: { id: quotation.id, expectedVersion: 2, cc: ['pepper@avengers.co.id'], message: 'As discussed with Ms Potts.' } });
    expect(sent.sendQuotation.quotation).toMatchObject({ state: 'SENT', version: 3 });
    const mail = await sink.waitFor((m) => m.subject?.includes('S00001') ?? false);
    expect(mail.subject).toBe('PT Jura Tempest Quotation (Ref S00001)');
    expect((mail.to as any).value.map((a: any) => a.address)).toEqual(['procurement@avengers.co.id']);
    expect((mail.cc as any).value.map((a: any) => a.address)).toEqual(['pepper@avengers.co.id']);
    expect(mail.html).toContain('<strong>S00001</strong>');
    expect(mail.html).toContain('IDR 109,612,500.00');
    expect(mail.text).toContain('As discussed with Ms Potts.');
    expect(mail.attachments).toHaveLength(1);
    const pdf = mail.attachments[0]!;
    expect(pdf.filename).toBe('Quotation - S00001.pdf');
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.content.length).toBeGreaterThan(1500);

    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.quotation`, (ms) =>
      ms.some((m) => m.headers['ce_type'] === 'crm.sales.quotation.sent.v1'),
    );
    const event = JSON.parse(messages.find((m) => m.headers['ce_type'] === 'crm.sales.quotation.sent.v1')!.value!);
    expect(event.state).toMatchObject({ state: 'sent', version: 3 });
    expect(event.mail).toMatchObject({
      to: ['procurement@avengers.co.id'],
      cc: ['pepper@avengers.co.id'],
      subject: 'PT Jura Tempest Quotation (Ref S00001)',
      attachments: ['Quotation - S00001.pdf'],
      sentBy: salesperson,
    });
    expect(event.mail.bodyText).toContain('Your quotation S00001 amounting in IDR 109,612,500.00 is ready for review.');
  });

  it('reports a recipient the mail server refuses as bad input, and changes nothing', async () => {
    const before = await counts();
    const refused = await admin.request(SEND, { input: { id: quotation.id, to: ['nobody@avengers.co.id'] } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(refused.errors?.[0]?.message).toContain('mailbox unavailable');
    const malformed = await admin.request(SEND, { input: { id: quotation.id, to: ['pepper at avengers'] } });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await counts()).toEqual(before);
  });

  it('confirms into a sales order whose team marks the opportunity won; orders cannot be edited', async () => {
    const confirmed = await admin.data(CONFIRM, { input: { id: quotation.id, expectedVersion: 3 } });
    expect(confirmed.confirmQuotation.quotation).toMatchObject({ state: 'SALE', version: 4, orderDate: '2026-11-23T02:00:00.000Z' });
    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.quotation`, (ms) =>
      ms.some((m) => m.headers['ce_type'] === 'crm.sales.quotation.confirmed.v1'),
    );
    const event = JSON.parse(messages.find((m) => m.headers['ce_type'] === 'crm.sales.quotation.confirmed.v1')!.value!);
    expect(event).toMatchObject({ marksOpportunityWon: true, state: { state: 'sale', opportunityId: chairsOpportunity } });

    const before = await counts();
    const edit = await admin.request(UPDATE, { input: { id: quotation.id, lines: [{ productId: chair, quantity: '1' }] } });
    expect(edit.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION' });
    const again = await admin.request(CONFIRM, { input: { id: quotation.id } });
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(await counts()).toEqual(before);

    // The order e-mailed again stays an order, titled "Order".
    await admin.data(SEND, { input: { id: quotation.id } });
    const mail = await sink.waitFor((m) => m.subject === 'PT Jura Tempest Order (Ref S00001)');
    expect(mail.attachments[0]!.filename).toBe('Order - S00001.pdf');
  });

  it('shows the opportunity its quotations and orders, batched and within the caller’s scope', async () => {
    // A second quotation (draft) and a third (cancelled, then back to draft, then cancelled again).
    const second = await admin.data(NEW_FROM_OPPORTUNITY, {
      input: { opportunityId: chairsOpportunity, lines: [{ productId: chair, quantity: '10', unitPrice: '450000', taxIds: [] }] },
    });
    expect(second.newQuotationFromOpportunity.quotation).toMatchObject({ number: 'S00002', amountTotal: '4500000.00' });
    const third = (await admin.data(NEW_FROM_OPPORTUNITY, { input: { opportunityId: chairsOpportunity } })).newQuotationFromOpportunity.quotation;
    await admin.data(CANCEL, { input: { id: third.id, expectedVersion: 1 } });
    const back = await admin.data(TO_DRAFT, { input: { id: third.id, expectedVersion: 2 } });
    expect(back.setQuotationToDraft.quotation).toMatchObject({ state: 'DRAFT', version: 3 });
    await admin.data(CANCEL, { input: { id: third.id } });
    const cannot = await admin.request(CONFIRM, { input: { id: third.id } });
    expect(cannot.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_TRANSITION' }, message: 'cannot confirm a cancelled quotation' });
    const lifecycle = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.quotation`, (ms) => ms.filter((m) => m.key === third.id).length === 4);
    expect(lifecycle.filter((m) => m.key === third.id).map((m) => [m.headers['ce_type'], JSON.parse(m.value!).state.state])).toEqual([
      ['crm.sales.quotation.created.v1', 'draft'],
      ['crm.sales.quotation.cancelled.v1', 'cancelled'],
      ['crm.sales.quotation.updated.v1', 'draft'],
      ['crm.sales.quotation.cancelled.v1', 'cancelled'],
    ]);

    const others = Array.from({ length: 9 }, () => newId());
    const dataSource = stack.subgraph('sales').deps.dataSource;
    // The fewest statements over a few tries: the outbox relay shares the DataSource and may run
    // one of its own in between; an N+1 would show at least 10 every time.
    let queries = Infinity;
    let result: any;
    for (let attempt = 0; attempt < 3 && queries > 2; attempt += 1) {
      const before = queryCount(dataSource);
      result = await admin.data(OPPORTUNITY_SALES, {
        reps: [chairsOpportunity, ...others].map((id) => ({ __typename: 'Opportunity', id })),
      });
      queries = Math.min(queries, queryCount(dataSource) - before);
    }
    expect(result._entities[0]).toMatchObject({
      id: chairsOpportunity,
      quotationCount: 1,
      quotationAmountTotal: '4500000.00',
      saleOrderCount: 1,
      saleAmountTotal: '98750000.00',
      salesCurrency: 'IDR',
      quotations: { totalCount: 3 },
    });
    expect(result._entities[0].quotations.edges.map((e: any) => e.node.number)).toEqual(['S00003', 'S00002', 'S00001']);
    expect(result._entities).toHaveLength(10);
    expect(result._entities[1]).toMatchObject({ quotationCount: 0, saleOrderCount: 0, saleAmountTotal: '0.00', quotations: { totalCount: 0, edges: [] } });
    expect(queries).toBe(2); // one for the figures of the ten opportunities, one for their quotations

    // Someone else's own-documents user sees none of it, in the figures too.
    const outsider = stack.client(await testToken({ role: 'user_own', teamIds: [newId()] }));
    const hidden = await outsider.data(OPPORTUNITY_SALES, { reps: [{ __typename: 'Opportunity', id: chairsOpportunity }] });
    expect(hidden._entities[0]).toMatchObject({ quotationCount: 0, saleOrderCount: 0, quotations: { totalCount: 0 } });
    const none = await outsider.data(`{ quotations(first: 10) { totalCount } }`);
    expect(none.quotations.totalCount).toBe(0);
    const notFound = await outsider.request(CONFIRM, { input: { id: second.newQuotationFromOpportunity.quotation.id } });
    expect(notFound.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // A team member (team documents) sees the team's.
    const teammate = stack.client(await testToken({ role: 'user_team', teamIds: [team] }));
    const seen = await teammate.data(`{ quotations(first: 10, filter: { state: [SALE] }) { totalCount edges { node { number } } } }`);
    expect(seen.quotations.edges.map((e: any) => e.node.number)).toEqual(['S00001']);
  });

  it('pages quotations by keyset in any order', async () => {
    const page1 = await admin.data(`{ quotations(first: 2, orderBy: { field: AMOUNT_TOTAL, direction: DESC }) { totalCount pageInfo { hasNextPage endCursor } edges { node { number amountTotal } } } }`);
    expect(page1.quotations.totalCount).toBe(3);
    expect(page1.quotations.edges.map((e: any) => e.node.number)).toEqual(['S00001', 'S00002']);
    const page2 = await admin.data(`query($after: String) { quotations(first: 2, after: $after, orderBy: { field: AMOUNT_TOTAL, direction: DESC }) { pageInfo { hasNextPage } edges { node { number } } } }`, {
      after: page1.quotations.pageInfo.endCursor,
    });
    expect(page2.quotations.edges.map((e: any) => e.node.number)).toEqual(['S00003']);
    expect(page2.quotations.pageInfo.hasNextPage).toBe(false);
    const tooMany = await admin.request(`{ quotations(first: 101) { totalCount } }`);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('refuses quotations for lost opportunities and follows merges', async () => {
    const lost = newId();
    await publisher.publish(opportunityEvent('lost', opportunity({ id: lost, version: 2, customerId: avengers, status: 'lost', active: false })));
    await eventually(async () => {
      const { rows } = await db.query('SELECT status FROM sales.opportunity_copy WHERE id = $1', [lost]);
      expect(rows[0]?.status).toBe('lost');
    });
    const refused = await admin.request(NEW_FROM_OPPORTUNITY, { input: { opportunityId: lost } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'opportunityId' });
    const unknown = await admin.request(NEW_FROM_OPPORTUNITY, { input: { opportunityId: newId() } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const survivor = newId();
    await publisher.publish(
      opportunityEvent('merged', opportunity({ id: survivor, version: 3, customerId: avengers, teamId: team }), { mergedIds: [chairsOpportunity] }),
    );
    await eventually(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM sales.quotation WHERE opportunity_id = $1', [survivor]);
      expect(rows[0].n).toBe(3);
    });
  });

  it('makes a quotation without an opportunity: the caller is the salesperson, in their branch, priced in any currency', async () => {
    const branchUser = newId();
    const api = stack.client(await testToken({ role: 'user_own', id: branchUser, branchIds: ['JKT01'], teamIds: [team] }));
    const CREATE = `mutation($input: CreateQuotationInput!) { createQuotation(input: $input) { quotation { ${QUOTATION_FIELDS} } } }`;
    const before = await counts();
    const foreign = await api.request(CREATE, { input: { customerId: avengers, currency: 'USD', lines: [{ productId: chair, quantity: '2' }] } });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines.0.unitPrice' });
    // libs/auth resolveBranch: foreign → FORBIDDEN; a several-branch user must choose; malformed → BAD_USER_INPUT.
    const elsewhere = await api.request(CREATE, { input: { customerId: avengers, branchId: 'SAM01' } });
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    const twoBranches = stack.client(await testToken({ role: 'user_own', id: branchUser, branchIds: ['JKT01', 'SAM01'], teamIds: [team] }));
    const ambiguous = await twoBranches.request(CREATE, { input: { customerId: avengers } });
    expect(ambiguous.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    const malformed = await api.request(CREATE, { input: { customerId: avengers, branchId: 'JKT 01' } });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    expect(await counts()).toEqual(before);

    const created = await api.data(CREATE, {
      input: {
        customerId: avengers,
        deliveryAddressId: pepper,
        currency: 'USD',
        clientOrderRef: 'PO-HULK-7',
        lines: [{ productId: chair, quantity: '3', unitPrice: '33.335', taxIds: [vat] }],
      },
    });
    const q = created.createQuotation.quotation;
    expect(q).toMatchObject({
      salespersonId: branchUser,
      teamId: team,
      branchId: 'JKT01',
      currency: 'USD',
      invoiceAddress: { id: invoiceDept },
      deliveryAddress: { id: pepper },
      opportunity: null,
      amountUntaxed: '100.01', // 3 × 33.335 = 100.005 → 100.01
      amountTax: '11.00',
      amountTotal: '111.01',
    });
    const moved = await api.request(UPDATE, { input: { id: q.id, branchId: 'SAM01' } });
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    const cleared = await api.request(UPDATE, { input: { id: q.id, branchId: null } });
    expect(cleared.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    const yen = await api.data(UPDATE, { input: { id: q.id, expectedVersion: 1, currency: 'JPY' } });
    expect(yen.updateQuotation.quotation).toMatchObject({ currency: 'JPY', amountUntaxed: '100', amountTax: '11', amountTotal: '111', version: 2 });

    const pdf = await api.data(`query($id: ID!) { quotationPdf(id: $id) { filename contentType base64 } }`, { id: q.id });
    expect(pdf.quotationPdf).toMatchObject({ filename: `Quotation - ${q.number}.pdf`, contentType: 'application/pdf' });
    expect(Buffer.from(pdf.quotationPdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const hidden = await stack.client(await testToken({ role: 'user_all', branchIds: ['SAM01'] })).data(
      `query($id: ID!) { quotation(id: $id) { id } quotationPdf(id: $id) { filename } }`,
      { id: q.id },
    );
    expect(hidden).toEqual({ quotation: null, quotationPdf: null });
  });
  it('follows the customer master: an archived customer cannot be quoted, a merge moves quotations and orders to the contact kept', async () => {
    const CREATE = `mutation($input: CreateQuotationInput!) { createQuotation(input: $input) { quotation { id customer { id } } } }`;
    await publisher.publish(contactEvent({ id: stranger, name: 'Hydra', email: 'x@hydra.example', active: false }, 2, 'archived'));
    await eventually(async () => {
      const { rows } = await db.query('SELECT active FROM sales.contact_copy WHERE id = $1', [stranger]);
      expect(rows[0].active).toBe(false);
    });
    const before = await counts();
    const archived = await admin.request(CREATE, { input: { customerId: stranger, branchId: 'JKT01' } });
    expect(archived.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
    expect(archived.errors?.[0]?.message).toContain('archived');
    expect(await counts()).toEqual(before);

    await publisher.publish(contactEvent({ id: stranger, name: 'Hydra', email: 'x@hydra.example', active: true }, 3, 'restored'));
    const restored = await eventually(async () => (await admin.data(CREATE, { input: { customerId: stranger, branchId: 'JKT01' } })).createQuotation.quotation);
    expect(restored.customer).toEqual({ id: stranger });

    // Avengers and Hydra turn out to be one customer: contacts merges them into a new card.
    const kept = newId();
    const { rows: referencing } = await db.query(
      `SELECT id, number FROM sales.quotation WHERE customer_id = ANY($1::uuid[]) OR delivery_address_id = ANY($1::uuid[]) ORDER BY id`,
      [[avengers, stranger]],
    );
    expect(referencing.length).toBeGreaterThanOrEqual(5);
    await publisher.publish(contactEvent({ id: kept, name: 'PT Avengers Initiative', email: 'procurement@avengers.co.id' }));
    await publisher.publish(contactEvent({ id: kept, name: 'PT Avengers Initiative', email: 'procurement@avengers.co.id' }, 2, 'merged', { mergedIds: [avengers, stranger] }));
    await eventually(async () => {
      const { rows } = await db.query(
        `SELECT count(*) FILTER (WHERE customer_id = ANY($1::uuid[]) OR invoice_address_id = ANY($1::uuid[]) OR delivery_address_id = ANY($1::uuid[]))::int AS old,
           count(*) FILTER (WHERE customer_id = $2)::int AS kept FROM sales.quotation`,
        [[avengers, stranger], kept],
      );
      expect(rows[0]).toEqual({ old: 0, kept: referencing.length });
    });
    // The confirmed order S00001 follows too; its invoice address (Avengers Finance, a child) stays.
    const order = await admin.data(`{ quotations(first: 1, filter: { search: "S00001" }) { edges { node { number state customer { id } invoiceAddress { id } deliveryAddress { id } version } } } }`);
    expect(order.quotations.edges[0].node).toMatchObject({ number: 'S00001', state: 'SALE', customer: { id: kept }, invoiceAddress: { id: invoiceDept }, deliveryAddress: { id: kept } });

    const messages = await readTopic(env.brokers, `${env.topicPrefix}crm.sales.quotation`, (ms) =>
      ms.filter((m) => m.headers['ce_type'] === 'crm.sales.quotation.updated.v1' && JSON.parse(m.value!).cause === 'crm.contacts.contact.merged.v1').length === referencing.length,
    );
    const moved = messages.map((m) => JSON.parse(m.value!)).filter((e) => e.cause === 'crm.contacts.contact.merged.v1');
    expect(moved.map((e) => e.state.id).sort()).toEqual(referencing.map((r) => r.id).sort());
    const s1 = moved.find((e) => e.state.number === 'S00001');
    expect(s1.changes).toEqual({ customerId: { from: avengers, to: kept }, deliveryAddressId: { from: avengers, to: kept } });
    expect(s1.state).toMatchObject({ customerId: kept, state: 'sale' });
  });
});
