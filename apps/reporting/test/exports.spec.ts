import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { ManualClock } from '@crm/runtime';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { reportingModule } from '../src/module';
import { runExportCli } from '../src/export-cli';
import { EventPublisher } from './support/contract-events';
import { parseCsv } from './support/csv-parse';
import { dealerDataset } from './support/dealer-dataset';
import { knownDataset } from './support/dataset';
import { waitApplied } from './support/wait';

const REQUEST = `mutation($input: RequestCrmExportInput!) { requestCrmExport(input: $input) { url path fileName format rowCount expiresAt newestEventAt } }`;

const HEADERS = [
  'Creation Date', 'Branch', 'Branch Name', 'Number', 'Type', 'Subject', 'Contact Name', 'Company', 'Email', 'Phone', 'Stage', 'Status',
  'Salesperson', 'Sales Team', 'Expected Revenue', 'Currency', 'Probability', 'Expected Closing', 'Source', 'Lost Reason',
  'Status Customer', 'Opportunity Status', 'Follow Up 1', 'Next Plan Follow Up 2', 'Follow Up 2', 'Next Plan Follow Up 3', 'Follow Up 3',
  'KPB Ke', 'Engine No', 'Alasan Belum Servis',
];

/** The rows of the IND01 leads as the export must show them (Jakarta wall-clock creation times). */
const IND01_ROWS: (string | number | null)[][] = [
  ['2026-03-02 10:00:00', 'IND01', 'Indramayu', 'LDS/IND01/2603/00001', 'Lead', 'LDS/IND01/2603/00001', 'TAWIR', null, null, '085294233849', null, 'Open', null, null, 0, 'IDR', null, null, null, null, 'Terhubung', null, '2026-03-03', null, null, null, null, '2', null, null],
  ['2026-03-03 10:00:00', 'IND01', 'Indramayu', 'LDS/IND01/2603/00002', 'Lead', 'LDS/IND01/2603/00002', 'URYANINGSIH', null, null, '085294233849', null, 'Open', null, null, 0, 'IDR', null, null, null, null, 'TIDAK_TERHUBUNG', null, '2026-03-04', null, null, null, null, null, null, null],
  ['2026-03-04 10:00:00', 'IND01', 'Indramayu', 'LDS/IND01/2603/00003', 'Lead', 'LDS/IND01/2603/00003', 'DAYAT', null, null, '085294233849', 'Follow Up 2', 'Open', null, null, 0, 'IDR', 50, null, null, null, 'Terhubung', null, null, null, null, null, null, null, null, 'Sudah servis di bengkel lain'],
  ['2026-03-05 10:00:00', 'IND01', 'Indramayu', 'LDS/IND01/2603/00004', 'Lead', 'LDS/IND01/2603/00004', 'M. KOSIM', null, null, '085294233849', null, 'Open', null, null, 0, 'IDR', null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  ['2026-03-10 10:00:00', 'IND01', 'Indramayu', 'LDS/IND01/2603/00005', 'Lead', 'LDS/IND01/2603/00005', 'ANSAR', null, null, '085294233849', null, 'Open', null, null, 0, 'IDR', null, null, null, null, 'REJECTED', null, '2026-03-11', null, null, null, null, null, null, null],
];

describe('Laporan CRM exports (CSV and XLSX) through a signed, expiring link, and as a CLI', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  const clock = new ManualClock('2026-03-15T05:00:00.000Z');
  const saved = process.env['REPORTING_EXPORT_ROW_LIMIT'];
  let known: ReturnType<typeof knownDataset>;

  beforeAll(async () => {
    process.env['REPORTING_EXPORT_ROW_LIMIT'] = '6';
    env = await createTestEnv('rpt-exports');
    stack = await startStack({ env, modules: [reportingModule], clock });
    await stack.subgraph('reporting').consumersReady();
    admin = stack.client(await testToken({ role: 'admin', tz: 'Asia/Jakarta' }));
    known = knownDataset();
    const events = [...dealerDataset().events, ...known.events];
    const publisher = new EventPublisher(env);
    await publisher.publish(...events);
    await publisher.close();
    await waitApplied(stack.subgraph('reporting').deps.dataSource, events);
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env['REPORTING_EXPORT_ROW_LIMIT'];
    else process.env['REPORTING_EXPORT_ROW_LIMIT'] = saved;
    await stack?.stop();
    await env?.cleanup();
  });

  const ind01 = { type: 'ALL', branchIds: ['IND01'], from: '2026-03-01', to: '2026-03-31' };

  it('exports XLSX that exceljs reads back cell by cell', async () => {
    const ticket = (await admin.data(REQUEST, { input: { ...ind01, format: 'XLSX' } })).requestCrmExport;
    expect(ticket).toMatchObject({ format: 'XLSX', rowCount: 5, fileName: 'Laporan-CRM-2026-03-15.xlsx', expiresAt: '2026-03-15T05:15:00.000Z' });
    expect(ticket.newestEventAt).toBe('2026-03-12T03:00:00.000Z');
    expect(ticket.url).toBe(`${new URL(stack.subgraph('reporting').url).origin}${ticket.path}`);
    const response = await fetch(ticket.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="Laporan-CRM-2026-03-15.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('Laporan CRM')!;
    expect(sheet.rowCount).toBe(6);
    const values = (r: number) => HEADERS.map((_, c) => sheet.getRow(r).getCell(c + 1).value);
    expect(values(1)).toEqual(HEADERS);
    IND01_ROWS.forEach((expected, i) => {
      const row = values(i + 2);
      expected.forEach((cell, c) => {
        if (c === 0) expect((row[0] as Date).toISOString()).toBe(`${String(cell).replace(' ', 'T')}.000Z`);
        else expect([HEADERS[c], row[c] ?? null]).toEqual([HEADERS[c], cell]);
      });
    });
    expect(sheet.getRow(2).getCell(1).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getRow(2).getCell(15).numFmt).toBe('#,##0.00');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
  });

  it('exports CSV with the same rows', async () => {
    const ticket = (await admin.data(REQUEST, { input: { ...ind01, format: 'CSV' } })).requestCrmExport;
    const response = await fetch(ticket.url);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(await response.text());
    expect(rows[0]).toEqual(HEADERS);
    expect(rows.slice(1)).toEqual(IND01_ROWS.map((r) => r.map((c) => (c === null ? '' : String(c)))));
  });

  it('filters by type, stage and branch, and within the caller’s records', async () => {
    const count = async (input: Record<string, unknown>, client = admin) => (await client.data(REQUEST, { input: { format: 'CSV', ...input } })).requestCrmExport.rowCount;
    expect(await count({ stageNames: ['follow up 2'] })).toBe(1);
    expect(await count({ type: 'OPPORTUNITY', branchIds: ['SAM01', 'MAN01'] })).toBe(7);
    expect(await count({ type: 'LEAD' })).toBe(8);
    expect(await count({ stageIds: [known.stages.new.id] })).toBe(5);
    const bob = stack.client(await testToken({ role: 'user_own', id: known.users.bob.id, teamIds: [known.teams.direct.id] }));
    const ticket = (await bob.data(REQUEST, { input: { format: 'CSV', branchIds: ['SAM01'] } })).requestCrmExport;
    const rows = parseCsv(await (await fetch(ticket.url)).text());
    expect(rows.slice(1).map((r) => r[5]).sort()).toEqual(['Printer', 'Service contract 2027', 'Walk-in lead']);
  });

  it('refuses an export over the caller’s row limit, and bad input', async () => {
    const user = stack.client(await testToken({ role: 'user_all' }));
    const unfiltered = await user.request(REQUEST, { input: { format: 'XLSX' } });
    expect(unfiltered.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input', rowCount: 15, rowLimit: 6 });
    expect(unfiltered.errors?.[0]?.message).toMatch(/without a filter/);
    expect((await user.data(REQUEST, { input: { format: 'XLSX', branchIds: ['IND01'] } })).requestCrmExport.rowCount).toBe(5);
    expect((await admin.data(REQUEST, { input: { format: 'XLSX' } })).requestCrmExport.rowCount).toBe(15);
    const backwards = await admin.request(REQUEST, { input: { format: 'CSV', from: '2026-03-31', to: '2026-03-01' } });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.from' });
    expect((await stack.client().request(REQUEST, { input: { format: 'CSV' } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('serves a link only with its signature and until it expires', async () => {
    const ticket = (await admin.data(REQUEST, { input: { ...ind01, format: 'CSV' } })).requestCrmExport;
    const origin = new URL(ticket.url).origin;
    const tampered = ticket.path.replace(/signature=.{4}/, 'signature=AAAA');
    expect((await fetch(`${origin}${tampered}`)).status).toBe(403);
    expect((await fetch(`${origin}${ticket.path.replace(/expires=\d+/, 'expires=9999999999')}`)).status).toBe(403);
    expect((await fetch(`${origin}/exports/01934d6e-0000-7000-8000-000000000000${ticket.path.slice(ticket.path.indexOf('?'))}`)).status).toBe(403);
    clock.advance(16 * 60 * 1000);
    expect((await fetch(ticket.url)).status).toBe(410);
    clock.advance(-16 * 60 * 1000);
    expect((await fetch(ticket.url)).status).toBe(200);
  });

  it('writes the same report from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'laporan-'));
    try {
      const out = join(dir, 'laporan.csv');
      const rows = await runExportCli(
        ['--format', 'csv', '--type', 'all', '--branch', 'IND01', '--from', '2026-03-01', '--to', '2026-03-31', '--tz', 'Asia/Jakarta', '--out', out],
        { databaseUrl: env.databaseUrl },
      );
      expect(rows).toBe(5);
      const parsed = parseCsv(readFileSync(out, 'utf8'));
      expect(parsed.slice(1)).toEqual(IND01_ROWS.map((r) => r.map((c) => (c === null ? '' : String(c)))));
      const xlsx = join(dir, 'laporan.xlsx');
      expect(await runExportCli(['--format', 'xlsx', '--stage', 'Follow Up 2', '--out', xlsx], { databaseUrl: env.databaseUrl })).toBe(1);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(xlsx);
      expect(workbook.getWorksheet('Laporan CRM')!.getRow(2).getCell(4).value).toBe('LDS/IND01/2603/00003');
      await expect(runExportCli(['--format', 'pdf', '--out', xlsx], { databaseUrl: env.databaseUrl })).rejects.toThrow(/format/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
