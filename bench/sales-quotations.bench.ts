import { Kafka, logLevel } from 'kafkajs';
import { queryCount } from '@crm/db';
import { stateEvent, toKafkaRecord } from '@crm/events';
import { uuidv7 } from '@crm/runtime';
import { createTestEnv, eventually, SmtpSink, startStack, testToken } from '@crm/testing';
import { salesModule } from '../apps/sales/src/module';
import { percentile, round, type Bench } from './harness';

const OPPORTUNITIES = 100;
const QUOTATIONS_PER_OPPORTUNITY = 3;
const LINES = 5;
const BOARD_RUNS = 30;
const SENDS = 20;

/**
 * Sales on the real Postgres and Kafka: making quotations from opportunities (5 lines each),
 * the opportunity board's sales figures for 100 opportunities (federated, batched), and
 * e-mailing a quotation with its PDF to a local SMTP server.
 */
const bench: Bench = async () => {
  const env = await createTestEnv('benchsales');
  const sink = await SmtpSink.start();
  process.env['SMTP_URL'] = sink.url;
  const stack = await startStack({ env, modules: [salesModule] });
  try {
    const salesperson = uuidv7();
    const api = stack.client(await testToken({ role: 'admin', id: salesperson }));
    const customer = uuidv7();
    const kafka = new Kafka({ clientId: 'bench', brokers: env.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const now = new Date().toISOString();
    const contact = stateEvent({
      subgraph: 'contacts',
      aggregate: 'contact',
      event: 'created',
      state: { id: customer, name: 'PT Avengers Initiative', email: 'procurement@avengers.co.id', version: 1, createdAt: now, updatedAt: now },
      time: new Date(),
    });
    await producer.send({ topic: `${env.topicPrefix}crm.contacts.contact`, messages: [toKafkaRecord(contact)] });
    const opportunityIds = Array.from({ length: OPPORTUNITIES }, () => uuidv7());
    await producer.send({
      topic: `${env.topicPrefix}crm.pipeline.opportunity`,
      messages: opportunityIds.map((id, i) =>
        toKafkaRecord(
          stateEvent({
            subgraph: 'pipeline',
            aggregate: 'opportunity',
            event: 'created',
            state: { id, name: `Deal ${i}`, customerId: customer, salespersonId: salesperson, currency: 'IDR', status: 'open', version: 1, createdAt: now, updatedAt: now },
            time: new Date(),
          }),
        ),
      ),
    });
    await producer.disconnect();
    const tax = (await api.data(`mutation { createTax(input: { name: "PPN 11%", percent: "11" }) { tax { id } } }`)).createTax.tax.id;
    const products: string[] = [];
    for (let i = 0; i < LINES; i += 1) {
      const p = await api.data(`mutation($t: [ID!]) { createProduct(input: { name: "Product ${i}", listPrice: "${125000 + i * 1000}.50", taxIds: $t }) { product { id } } }`, { t: [tax] });
      products.push(p.createProduct.product.id);
    }
    const dataSource = stack.subgraph('sales').deps.dataSource;
    await eventually(async () => {
      const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM sales.opportunity_copy');
      if (n < OPPORTUNITIES) throw new Error(`${n} opportunities so far`);
    }, 60_000);

    const createMs: number[] = [];
    let lastQuotation = '';
    const started = Date.now();
    for (const id of opportunityIds) {
      for (let q = 0; q < QUOTATIONS_PER_OPPORTUNITY; q += 1) {
        const t0 = performance.now();
        const r = await api.data(
          `mutation($input: NewQuotationFromOpportunityInput!) { newQuotationFromOpportunity(input: $input) { quotation { id amountTotal } } }`,
          { input: { opportunityId: id, lines: products.map((productId, k) => ({ productId, quantity: String(k + 1), discount: '2.5' })) } },
        );
        createMs.push(performance.now() - t0);
        lastQuotation = r.newQuotationFromOpportunity.quotation.id;
      }
    }
    const createSeconds = (Date.now() - started) / 1000;
    const confirmTargets = opportunityIds.slice(0, 50);
    for (const id of confirmTargets) {
      const q = await api.data(`query($id: ID!) { quotations(first: 1, filter: { opportunityId: $id }) { edges { node { id } } } }`, { id });
      await api.data(`mutation($id: ID!) { confirmQuotation(input: { id: $id }) { quotation { state } } }`, { id: q.quotations.edges[0].node.id });
    }

    const boardMs: number[] = [];
    const statements: number[] = [];
    const board = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Opportunity { quotationCount quotationAmountTotal
      saleOrderCount saleAmountTotal quotations(first: 3) { totalCount edges { node { number state amountTotal } } } } } }`;
    const reps = opportunityIds.map((id) => ({ __typename: 'Opportunity', id }));
    for (let i = 0; i < BOARD_RUNS; i += 1) {
      const before = queryCount(dataSource);
      const t0 = performance.now();
      await api.data(board, { reps });
      boardMs.push(performance.now() - t0);
      statements.push(queryCount(dataSource) - before);
    }

    const sendMs: number[] = [];
    for (let i = 0; i < SENDS; i += 1) {
      const t0 = performance.now();
      await api.data(`mutation($id: ID!) { sendQuotation(input: { id: $id }) { quotation { state } } }`, { id: lastQuotation });
      sendMs.push(performance.now() - t0);
    }
    await sink.waitFor(() => sink.messages.length >= SENDS, 30_000);

    return {
      name: 'sales: quotations from opportunities, opportunity board figures, e-mail with PDF',
      figures: {
        quotationsCreated: createMs.length,
        createP50Ms: round(percentile(createMs, 50)),
        createP95Ms: round(percentile(createMs, 95)),
        createPerSecond: round(createMs.length / createSeconds),
        boardOpportunities: OPPORTUNITIES,
        boardP50Ms: round(percentile(boardMs, 50)),
        boardP95Ms: round(percentile(boardMs, 95)),
        boardSqlStatementsMin: Math.min(...statements),
        sendWithPdfP50Ms: round(percentile(sendMs, 50)),
        sendWithPdfP95Ms: round(percentile(sendMs, 95)),
        mailsReceived: sink.messages.length,
      },
      targets: [{ description: 'opportunity figures for 100 opportunities in 2 SQL statements (no N+1)', met: Math.min(...statements) === 2 }],
      notes: [
        `${OPPORTUNITIES} opportunities × ${QUOTATIONS_PER_OPPORTUNITY} quotations × ${LINES} lines through the sales subgraph's GraphQL endpoint (sequential requests), 50 confirmed.`,
        'Board: one _entities request for 100 opportunities (figures + 3 newest quotations each), as the gateway sends it.',
        'Send: render PDF + HTML, SMTP to an in-process smtp-server, record the sending (event with the mail).',
      ],
    };
  } finally {
    await stack.stop();
    await sink.stop();
    await env.cleanup();
  }
};

export default bench;
