import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import ExcelJS from 'exceljs';
import type { AuthUser } from '@crm/auth';
import { badInput, isValidDate } from '@crm/graphql';
import { uuidv7 } from '@crm/runtime';
import { csvLine } from '../domain/csv';
import { signExport } from '../domain/export-signing';
import type { FollowUpConfig } from '../domain/follow-up-config';
import { checkRange } from '../domain/report-filter';
import type { FollowUpConfigService } from './follow-up-config-service';
import { newestEventAt } from './freshness';
import { OPPORTUNITY_SCOPE } from './opportunity-sql';
import { OPPORTUNITY_REPORT_TOPICS } from './pipeline-analysis-service';
import { dayEnd, dayStart, Sql } from './sql';

export type ExportFormat = 'CSV' | 'XLSX';
export type ExportType = 'ALL' | 'LEAD' | 'OPPORTUNITY';

/** The dealer's "Laporan CRM" dialog: type, stage, creation date range, branches. */
export interface ExportInput {
  format: ExportFormat;
  type?: ExportType | null;
  stageIds?: string[] | null;
  /** Stage names as shown (case-insensitive), e.g. "Follow Up 1". */
  stageNames?: string[] | null;
  from?: string | null;
  to?: string | null;
  branchIds?: string[] | null;
}

export interface ExportParams {
  type: ExportType;
  stageIds: string[] | null;
  stageNames: string[] | null;
  from: string | null;
  to: string | null;
  branchIds: string[] | null;
}

export interface ExportSettings {
  secret: string;
  linkTtlSeconds: number;
  /** Row limit per role; an export larger than the caller's limit is refused. */
  rowLimits: Record<string, number>;
  publicUrl: () => string;
}

export interface ExportTicket {
  id: string;
  url: string;
  path: string;
  format: ExportFormat;
  fileName: string;
  rowCount: number;
  expiresAt: Date;
  newestEventAt: Date | null;
}

interface ColumnSpec {
  header: string;
  width: number;
  kind: 'text' | 'datetime' | 'date' | 'money' | 'number';
}

const BASE_COLUMNS: ColumnSpec[] = [
  { header: 'Creation Date', width: 20, kind: 'datetime' },
  { header: 'Branch', width: 10, kind: 'text' },
  { header: 'Branch Name', width: 18, kind: 'text' },
  { header: 'Number', width: 24, kind: 'text' },
  { header: 'Type', width: 12, kind: 'text' },
  { header: 'Subject', width: 30, kind: 'text' },
  { header: 'Contact Name', width: 24, kind: 'text' },
  { header: 'Company', width: 24, kind: 'text' },
  { header: 'Email', width: 24, kind: 'text' },
  { header: 'Phone', width: 16, kind: 'text' },
  { header: 'Stage', width: 14, kind: 'text' },
  { header: 'Status', width: 8, kind: 'text' },
  { header: 'Salesperson', width: 18, kind: 'text' },
  { header: 'Sales Team', width: 18, kind: 'text' },
  { header: 'Expected Revenue', width: 18, kind: 'money' },
  { header: 'Currency', width: 8, kind: 'text' },
  { header: 'Probability', width: 10, kind: 'number' },
  { header: 'Expected Closing', width: 14, kind: 'date' },
  { header: 'Source', width: 14, kind: 'text' },
  { header: 'Lost Reason', width: 18, kind: 'text' },
];

type Cell = string | null;

const HEADER_STYLE: Partial<ExcelJS.Style> = { font: { bold: true } };
const CELL_STYLES: Record<ColumnSpec['kind'], Partial<ExcelJS.Style>> = {
  text: {},
  number: {},
  money: { numFmt: '#,##0.00' },
  datetime: { numFmt: 'yyyy-mm-dd hh:mm:ss' },
  date: { numFmt: 'yyyy-mm-dd' },
};

const STATUS = { open: 'Open', won: 'Won', lost: 'Lost' } as Record<string, string>;
const TYPE = { lead: 'Lead', opportunity: 'Opportunity' } as Record<string, string>;

function list(value: string[] | null | undefined): string[] | null {
  if (!value) return null;
  const cleaned = [...new Set(value.map((v) => v.trim()).filter(Boolean))];
  return cleaned.length ? cleaned : null;
}

export function parseExportInput(input: ExportInput): ExportParams {
  if (input.format !== 'CSV' && input.format !== 'XLSX') throw badInput('input.format', 'CSV or XLSX');
  const range = checkRange(input.from, input.to, 'input');
  const stageIds = list(input.stageIds);
  if (stageIds?.some((s) => !/^[0-9a-f-]{36}$/i.test(s))) throw badInput('input.stageIds', 'not an id');
  for (const d of [input.from, input.to]) if (d && !isValidDate(d)) throw badInput('input.from', 'not a date');
  return { type: input.type ?? 'ALL', stageIds, stageNames: list(input.stageNames), ...range, branchIds: list(input.branchIds) };
}

export function isFilteredExport(p: ExportParams): boolean {
  return Boolean(p.type !== 'ALL' || p.stageIds || p.stageNames || p.from || p.to || p.branchIds);
}

/**
 * "Laporan CRM": leads and/or opportunities by stage, creation date range and branches, as CSV
 * or XLSX (exceljs streaming writer), row by row from the read model in keyset batches, so a
 * 100,000-row file never sits in memory. Records are the caller's (the same scope as every
 * report); a link to download is signed and expires.
 */
export class ExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly configs: FollowUpConfigService,
    private readonly settings: ExportSettings,
  ) {}

  private where(sql: Sql, user: AuthUser, p: ExportParams): string[] {
    const where = ['NOT o.deleted', 'o.merged_into IS NULL'];
    if (p.type !== 'ALL') where.push(`o.type = ${sql.p(p.type.toLowerCase())}`);
    if (p.stageIds) where.push(`o.stage_id = ANY(${sql.p(p.stageIds, 'uuid[]')})`);
    if (p.stageNames) where.push(`lower(o.stage_name) = ANY(${sql.p(p.stageNames.map((s) => s.toLowerCase()), 'text[]')})`);
    if (p.from) where.push(`o.created_at >= ${dayStart(sql, p.from, user.tz)}`);
    if (p.to) where.push(`o.created_at < ${dayEnd(sql, p.to, user.tz)}`);
    if (p.branchIds) where.push(`o.branch_id = ANY(${sql.p(p.branchIds, 'text[]')})`);
    where.push(sql.scope(user, OPPORTUNITY_SCOPE));
    return where;
  }

  async count(user: AuthUser, p: ExportParams): Promise<number> {
    const sql = new Sql();
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM reporting.opportunity_rm o WHERE ${this.where(sql, user, p).join(' AND ')}`, sql.params);
    return row.n;
  }

  rowLimit(user: AuthUser): number {
    return this.settings.rowLimits[user.role] ?? this.settings.rowLimits['default'] ?? 0;
  }

  /** Validates, checks the caller's row limit, records the request and returns a signed, expiring link. */
  async request(user: AuthUser, input: ExportInput, now: Date): Promise<ExportTicket> {
    const params = parseExportInput(input);
    const rowCount = await this.count(user, params);
    const limit = this.rowLimit(user);
    if (rowCount > limit) {
      throw badInput(
        'input',
        isFilteredExport(params)
          ? `the export has ${rowCount} rows, over your limit of ${limit}; narrow it down`
          : `an export without a filter has ${rowCount} rows, over your limit of ${limit}; filter by type, stage, dates or branches`,
        { rowCount, rowLimit: limit },
      );
    }
    const id = uuidv7(now.getTime());
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + this.settings.linkTtlSeconds * 1000);
    await this.dataSource.query(
      `INSERT INTO reporting.export_request (id, requested_by, claims, params, format, row_count, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, user.id, JSON.stringify(user), JSON.stringify(params), input.format, rowCount, now, expiresAt],
    );
    const expires = expiresAt.getTime() / 1000;
    const path = `/exports/${id}?expires=${expires}&signature=${signExport(this.settings.secret, id, expires)}`;
    return {
      id,
      url: `${this.settings.publicUrl()}${path}`,
      path,
      format: input.format,
      fileName: fileName(input.format, now),
      rowCount,
      expiresAt,
      newestEventAt: await newestEventAt(this.dataSource, OPPORTUNITY_REPORT_TOPICS),
    };
  }

  async load(id: string): Promise<{ user: AuthUser; params: ExportParams; format: ExportFormat; createdAt: Date } | null> {
    const [row] = await this.dataSource.query(`SELECT claims, params, format, created_at FROM reporting.export_request WHERE id = $1`, [id]);
    return row ? { user: row.claims, params: row.params, format: row.format, createdAt: row.created_at } : null;
  }

  /** The header row: the fixed columns, then the configured property columns. */
  headers(config: FollowUpConfig): ColumnSpec[] {
    return [...BASE_COLUMNS, ...config.exportColumns.map((c): ColumnSpec => ({ header: c.label, width: 16, kind: 'text' }))];
  }

  /**
   * Yields the rows in creation order, in batches (keyset on created_at, id). A property column
   * shows a selection option's label from the record's pipeline, else the stored value.
   */
  async *rows(user: AuthUser, p: ExportParams, config: FollowUpConfig, batchSize = 2000): AsyncGenerator<Cell[][]> {
    let after: [string, string] | null = null;
    for (;;) {
      const sql = new Sql();
      const where = this.where(sql, user, p);
      if (after) where.push(`(o.created_at, o.id) > (${sql.p(after[0], 'timestamptz')}, ${sql.p(after[1], 'uuid')})`);
      const tz = sql.p(user.tz, 'text');
      const keys = sql.p(config.exportColumns.map((c) => c.key), 'text[]');
      const rows: Record<string, unknown>[] = await this.dataSource.query(
        `SELECT o.id, o.created_at::text AS created_key,
           to_char(o.created_at AT TIME ZONE ${tz}, 'YYYY-MM-DD HH24:MI:SS') AS created,
           o.branch_id, br.name AS branch_name, o.number, o.type, o.name, o.contact_name, o.company_name, o.email, o.phone,
           COALESCE(st.name, o.stage_name) AS stage, o.status, sp.name AS salesperson, tm.name AS team,
           o.expected_revenue::text AS revenue, o.currency, o.probability::text AS probability, o.expected_closing::text AS closing,
           o.source, COALESCE(lr.name, o.lost_reason_name) AS lost_reason,
           ARRAY(SELECT COALESCE(ol.name, o.properties ->> k.key) FROM unnest(${keys}) WITH ORDINALITY AS k(key, i)
             LEFT JOIN reporting.label ol ON ol.kind = 'propertyOption' AND ol.id = o.pipeline_id::text || '/' || k.key || '/' || (o.properties ->> k.key)
             ORDER BY k.i) AS props
         FROM reporting.opportunity_rm o
         LEFT JOIN reporting.label br ON br.kind = 'branch' AND br.id = o.branch_id
         LEFT JOIN reporting.label st ON st.kind = 'stage' AND st.id = o.stage_id::text
         LEFT JOIN reporting.label sp ON sp.kind = 'user' AND sp.id = o.salesperson_id::text
         LEFT JOIN reporting.label tm ON tm.kind = 'team' AND tm.id = o.team_id::text
         LEFT JOIN reporting.label lr ON lr.kind = 'lostReason' AND lr.id = o.lost_reason_id::text
         WHERE ${where.join(' AND ')}
         ORDER BY o.created_at, o.id LIMIT ${sql.p(batchSize, 'int')}`,
        sql.params,
      );
      if (rows.length === 0) return;
      yield rows.map((r) => [
        r['created'] as Cell,
        r['branch_id'] as Cell,
        r['branch_name'] as Cell,
        r['number'] as Cell,
        TYPE[String(r['type'])] ?? null,
        r['name'] as Cell,
        r['contact_name'] as Cell,
        r['company_name'] as Cell,
        r['email'] as Cell,
        r['phone'] as Cell,
        r['stage'] as Cell,
        STATUS[String(r['status'])] ?? null,
        r['salesperson'] as Cell,
        r['team'] as Cell,
        r['revenue'] as Cell,
        r['currency'] as Cell,
        r['probability'] as Cell,
        r['closing'] as Cell,
        r['source'] as Cell,
        r['lost_reason'] as Cell,
        ...((r['props'] as (string | null)[]) ?? []),
      ]);
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1]!;
      after = [String(last['created_key']), String(last['id'])];
    }
  }

  /** Writes the export to `out` (an HTTP response, a file); resolves with the number of rows. */
  async write(user: AuthUser, p: ExportParams, format: ExportFormat, out: Writable): Promise<number> {
    const config = await this.configs.get();
    const columns = this.headers(config);
    let count = 0;
    if (format === 'CSV') {
      await writeChunk(out, `\ufeff${csvLine(columns.map((c) => c.header))}`);
      for await (const batch of this.rows(user, p, config)) {
        await writeChunk(out, batch.map((cells) => csvLine(cells)).join(''));
        count += batch.length;
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      return count;
    }
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet('Laporan CRM', { views: [{ state: 'frozen', ySplit: 1 }] });
    // No column styles: exceljs would copy them into every cell. One style object per kind,
    // shared by every cell of that kind, which its style registry recognises at once.
    sheet.columns = columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width }));
    const header = sheet.getRow(1);
    header.eachCell((cell) => (cell.style = HEADER_STYLE));
    header.commit();
    const styles = columns.map((c) => CELL_STYLES[c.kind]);
    for await (const batch of this.rows(user, p, config)) {
      for (const cells of batch) {
        const row = sheet.addRow(cells.map((value, i) => xlsxValue(columns[i]!.kind, value)));
        row.eachCell((cell, col) => (cell.style = styles[col - 1]!));
        row.commit();
      }
      count += batch.length;
    }
    sheet.commit();
    await workbook.commit();
    return count;
  }
}

/**
 * A cell as Excel wants it: date-times as dates (the local wall-clock time of the caller's
 * zone, which is what the sheet shows), amounts and probabilities as numbers (an Excel cell is
 * a double anyway; the exact decimal stays in CSV), text as text.
 */
function xlsxValue(kind: ColumnSpec['kind'], value: Cell): string | number | Date | undefined {
  if (value === null || value === undefined) return undefined; // no cell at all
  switch (kind) {
    case 'datetime':
      return new Date(`${value.replace(' ', 'T')}Z`);
    case 'date':
      return new Date(`${value}T00:00:00Z`);
    case 'money':
    case 'number':
      return Number(value);
    default:
      return value;
  }
}

function writeChunk(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else out.once('drain', () => resolve());
  });
}

export function fileName(format: ExportFormat, at: Date): string {
  return `Laporan-CRM-${at.toISOString().slice(0, 10)}.${format === 'CSV' ? 'csv' : 'xlsx'}`;
}
