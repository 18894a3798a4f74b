import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { GraphQLError } from 'graphql';
import { isHeadOffice, requireRole, type AuthUser } from '@crm/auth';
import { csvRecords, importFilePath } from '@crm/csv';
import { badInput, forbidden } from '@crm/graphql';
import { envString, isUuid, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { isRowError, mapHistoryColumns, missingColumn, parseHistoryRow, type HistoryField, type HistoryRowError, type ParsedHistoryRow } from '../domain/history-rows';
import { dueLeads, isTimeZone, localDate, type DueLead, type LeadGenerationRules } from '../domain/lead-generation';
import { validateOpportunityFields, type OpportunityFields } from '../domain/opportunity-input';
import { normalizePropertyValue, type PropertyDefinition } from '../domain/properties';
import { PIPELINE_COLUMNS, toPipeline, type Pipeline } from '../repositories/config-rows';
import type { OpportunityService } from './opportunity-service';

export interface HistoryImportResult {
  /** Data rows read (the header not counted). */
  rows: number;
  /** Leads created (or that a dry run would create). */
  created: number;
  /** Leads due that an earlier import created already. */
  alreadyGenerated: number;
  /** Good rows with nothing due today. */
  notDue: number;
  failed: number;
  errors: HistoryRowError[];
  ignoredColumns: string[];
  dryRun: boolean;
  /** The created leads' ids (the first 100). */
  leadIds: string[];
}

export interface HistoryImportOptions {
  pipelineId: string;
  /** The importing user: a branch user's rows must be of their branches. */
  user: AuthUser;
  dryRun?: boolean;
  traceparent?: string;
  /** Leads per transaction (default 200). */
  batchSize?: number;
}

const LEAD_IDS_RETURNED = 100;

/**
 * Generates leads from a branch's sales and service history (seed 002's H1 to H2 and H2 to H2)
 * by the pipeline's `rules.leadGeneration` (src/domain/lead-generation.ts). The file is read as
 * a stream (libs/csv); all its rows are weighed together (a later service of an engine
 * anywhere in the file counts), "today" is each branch's. A bad row is reported (line,
 * column, message) and skipped. Each lead is created as `createLead` creates one (events
 * through the outbox), with a key in `generated_lead`: a second or overlapping import creates
 * nothing for it.
 */
export class HistoryImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly opportunities: OpportunityService,
    private readonly importDir = envString('PIPELINE_IMPORT_DIR', `${process.cwd()}/var/import`),
  ) {}

  /** `importServiceHistory(input: { pipelineId, csv | path, dryRun })`. */
  async importFromApi(
    input: { pipelineId: string; csv?: string | null; path?: string | null; dryRun?: boolean | null },
    ctx: BaseContext,
  ): Promise<HistoryImportResult> {
    const user = requireRole(ctx, ['admin', 'user_all', 'user_team']);
    if (user.role !== 'admin' && isHeadOffice(user)) throw forbidden('head office imports history as an administrator');
    const hasCsv = typeof input.csv === 'string' && input.csv.length > 0;
    const hasPath = typeof input.path === 'string' && input.path.length > 0;
    if (hasCsv === hasPath) throw badInput(hasCsv ? 'path' : 'csv', 'give either csv (the file’s text) or path (a file of the import directory)');
    await this.pipelineWithRules(input.pipelineId);
    let stream: Readable;
    if (hasPath) {
      requireRole(ctx, ['admin']);
      stream = createReadStream(importFilePath(this.importDir, input.path!));
    } else {
      stream = Readable.from([input.csv!]);
    }
    return this.importStream(stream, { pipelineId: input.pipelineId, user, dryRun: Boolean(input.dryRun), traceparent: ctx.traceparent });
  }

  private async pipelineWithRules(pipelineId: string): Promise<{ pipeline: Pipeline; rules: LeadGenerationRules }> {
    const rows = isUuid(pipelineId) ? await this.dataSource.query(`SELECT ${PIPELINE_COLUMNS} FROM pipeline.pipeline p WHERE p.id = $1`, [pipelineId]) : [];
    const pipeline = rows[0] ? toPipeline(rows[0]) : undefined;
    if (!pipeline || !pipeline.active) throw badInput('pipelineId', `pipeline ${pipelineId} not found`);
    const rules = pipeline.rules.leadGeneration;
    if (!rules) throw badInput('pipelineId', `pipeline ${pipeline.name} has no lead-generation rules (rules.leadGeneration)`);
    return { pipeline, rules };
  }

  async importStream(stream: Readable, options: HistoryImportOptions): Promise<HistoryImportResult> {
    const { pipeline, rules } = await this.pipelineWithRules(options.pipelineId);
    const result: HistoryImportResult = { rows: 0, created: 0, alreadyGenerated: 0, notDue: 0, failed: 0, errors: [], ignoredColumns: [], dryRun: Boolean(options.dryRun), leadIds: [] };
    const records = csvRecords(stream);
    const header = await records.next().catch((error) => {
      throw badInput('csv', `the file cannot be read as CSV: ${(error as Error).message}`);
    });
    if (header.done) throw badInput('csv', 'the file is empty');
    const columns = mapHistoryColumns(header.value.cells);
    const missing = missingColumn(columns);
    if (missing) throw badInput('csv', `the header has no ${missing} column`);
    result.ignoredColumns = columns.ignored;

    const parsed: ParsedHistoryRow[] = [];
    try {
      for await (const record of records) {
        if (record.cells.every((c) => c.trim() === '')) continue;
        result.rows += 1;
        const row = parseHistoryRow(record.line, record.cells, columns);
        if (isRowError(row)) result.errors.push(row);
        else parsed.push(row);
      }
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      throw badInput('csv', `the file cannot be read as CSV after line ${result.rows + 1}: ${(error as Error).message}`);
    }

    // Branches: known (crm.contacts.branch), the user's, and their calendars.
    const branchIds = [...new Set(parsed.map((r) => r.branchId))];
    const zones = new Map<string, string>(
      (await this.dataSource.query('SELECT id, time_zone FROM pipeline.branch_copy WHERE id = ANY($1::text[]) AND active', [branchIds])).map(
        (b: { id: string; time_zone: string }) => [b.id, isTimeZone(b.time_zone) ? b.time_zone : rules.timeZone],
      ),
    );
    const user = options.user;
    const good = parsed.filter((row) => {
      const fail = (field: string, message: string, code = 'BAD_USER_INPUT') => {
        result.errors.push({ line: row.line, field, message, code });
        return false;
      };
      if (!zones.has(row.branchId)) return fail(columns.headers.branch!, `branch ${row.branchId} is not known (head office registers branches in contacts)`);
      if (!isHeadOffice(user) && !user.branchIds.includes(row.branchId)) {
        return fail(columns.headers.branch!, `branch ${row.branchId} is not one of your branches (${user.branchIds.join(', ')})`, 'FORBIDDEN');
      }
      if (row.kind === 'sales' && !rules.sales) return fail(columns.headers.kind!, `pipeline ${pipeline.name} generates no leads from sales history`);
      if (row.kind === 'service' && !rules.service) return fail(columns.headers.kind!, `pipeline ${pipeline.name} generates no leads from service history`);
      return true;
    });
    const now = this.clock.now();
    const today = new Map([...zones].map(([id, tz]) => [id, localDate(now, tz)]));
    // A service row of a refused branch still tells that the engine was serviced.
    const byLine = new Map(good.map((r) => [r.line, r]));
    const history = [...good, ...parsed.filter((r) => !byLine.has(r.line) && r.kind === 'service' && zones.has(r.branchId))];
    const due = dueLeads(rules, history, (branch) => today.get(branch)!).filter((d) => byLine.has(d.line));

    const existing = new Set<string>(
      (await this.dataSource.query('SELECT source_key FROM pipeline.generated_lead WHERE pipeline_id = $1 AND source_key = ANY($2::text[])', [
        pipeline.id,
        due.map((d) => d.key),
      ])).map((r: { source_key: string }) => r.source_key),
    );
    const fresh = due.filter((d) => !existing.has(d.key));
    result.alreadyGenerated = due.length - fresh.length;
    const linesWithLeads = new Set(due.map((d) => d.line));
    result.notDue = good.filter((r) => !linesWithLeads.has(r.line)).length;

    // What each lead is created with; a row whose values the pipeline refuses is reported.
    const customers = await this.customersOf(good);
    const [team] = await this.dataSource.query('SELECT leader_id FROM pipeline.team WHERE id = $1', [pipeline.teamId]);
    const planned: { due: DueLead; fields: OpportunityFields }[] = [];
    const refused = new Set<number>();
    for (const d of fresh) {
      const row = byLine.get(d.line)!;
      try {
        planned.push({ due: d, fields: this.leadFields(pipeline, rules, row, d, customers, team?.leader_id ?? null) });
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        const field = String(error.extensions['field'] ?? 'row');
        const column = COLUMN_OF[field];
        if (!refused.has(d.line)) result.errors.push({ line: d.line, field: (column && columns.headers[column]) || field, message: error.message, code: 'BAD_USER_INPUT' });
        refused.add(d.line);
      }
    }
    result.failed = new Set(result.errors.map((e) => e.line)).size;
    result.errors.sort((a, b) => a.line - b.line);
    if (options.dryRun) {
      result.created = planned.length;
      return result;
    }

    const batchSize = options.batchSize ?? 200;
    for (let i = 0; i < planned.length; i += batchSize) {
      const batch = planned.slice(i, i + batchSize);
      const created = await this.opportunities.generate(user, options.traceparent, async (create, manager) => {
        // One import of a pipeline at a time writes keys: an import running beside this one cannot create the same lead.
        await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pipeline.generated_lead:${pipeline.id}`]);
        const taken = new Set<string>(
          (await manager.query('SELECT source_key FROM pipeline.generated_lead WHERE pipeline_id = $1 AND source_key = ANY($2::text[])', [
            pipeline.id,
            batch.map((p) => p.due.key),
          ])).map((r: { source_key: string }) => r.source_key),
        );
        const ids: string[] = [];
        for (const { due: d, fields } of batch) {
          if (taken.has(d.key)) continue;
          const o = await create(fields, rules.createAs);
          await manager.query('INSERT INTO pipeline.generated_lead (pipeline_id, source_key, opportunity_id, created_at) VALUES ($1, $2, $3, $4)', [
            pipeline.id,
            d.key,
            o.id,
            o.createdAt,
          ]);
          ids.push(o.id);
        }
        return { ids, taken: taken.size };
      });
      result.created += created.ids.length;
      result.alreadyGenerated += created.taken;
      for (const id of created.ids) if (result.leadIds.length < LEAD_IDS_RETURNED) result.leadIds.push(id);
    }
    return result;
  }

  /** Customers of the rows the pipeline's contact copy knows, by customer code or KTP. */
  private async customersOf(rows: readonly ParsedHistoryRow[]): Promise<{ byCode: Map<string, Customer>; byNationalId: Map<string, Customer> }> {
    const codes = [...new Set(rows.map((r) => r.customerCode).filter((c): c is string => c !== null))];
    const ids = [...new Set(rows.map((r) => r.nationalId).filter((c): c is string => c !== null))];
    const found: (Customer & { code: string | null; national_id: string | null })[] = await this.dataSource.query(
      `SELECT id, name, code, national_id FROM pipeline.contact_copy
        WHERE merged_into_id IS NULL AND (upper(code) = ANY($1::text[]) OR national_id = ANY($2::text[])) ORDER BY id`,
      [codes, ids],
    );
    const byCode = new Map<string, Customer>();
    const byNationalId = new Map<string, Customer>();
    for (const c of found) {
      if (c.code && !byCode.has(c.code.toUpperCase())) byCode.set(c.code.toUpperCase(), c);
      if (c.national_id && !byNationalId.has(c.national_id)) byNationalId.set(c.national_id, c);
    }
    return { byCode, byNationalId };
  }

  private leadFields(
    pipeline: Pipeline,
    rules: LeadGenerationRules,
    row: ParsedHistoryRow,
    d: DueLead,
    customers: { byCode: Map<string, Customer>; byNationalId: Map<string, Customer> },
    leaderId: string | null,
  ): OpportunityFields {
    const customer = (row.customerCode ? customers.byCode.get(row.customerCode) : undefined) ?? (row.nationalId ? customers.byNationalId.get(row.nationalId) : undefined);
    const who = row.customerName ?? customer?.name ?? row.customerCode ?? row.nationalId!;
    const fixed = (d.category === 'H1_TO_H2' ? rules.sales?.properties : rules.service?.properties) ?? {};
    const values: Record<string, string | null> = {
      ...fixed,
      sourceDocument: row.document ? `${d.key} (${row.document})` : d.key,
      customerCode: row.customerCode,
      nationalId: row.nationalId,
      engineNumber: row.engineNumberAsWritten,
      salesDate: row.salesDate,
      salesSource: row.salesSource,
      unitType: row.unitType,
      product: row.product,
      kpbNumber: d.kpbNumber === null ? null : String(d.kpbNumber),
      kpbExpiry: d.kpbExpiry,
      lastServiceType: row.kind === 'service' ? row.serviceType : null,
      lastServiceDate: row.kind === 'service' ? row.date : null,
    };
    const properties: { key: string; value: string }[] = [];
    for (const [key, raw] of Object.entries(values)) {
      const def: PropertyDefinition | undefined = pipeline.propertyDefinitions.find((p) => p.key === key);
      if (!def || raw === null) continue; // a pipeline without that field does not keep it
      const value = normalizePropertyValue(def, raw, key);
      if (value !== null) properties.push({ key, value });
    }
    const title = d.kpbNumber !== null ? `KPB ${d.kpbNumber} service reminder` : 'Service reminder';
    return validateOpportunityFields({
      name: `${title} – ${who}`,
      customerId: customer?.id ?? null,
      contactName: customer ? null : row.customerName,
      phone: row.phone,
      teamId: pipeline.teamId,
      pipelineId: pipeline.id,
      salespersonId: leaderId,
      branchId: row.branchId,
      properties,
    });
  }
}

interface Customer {
  id: string;
  name: string;
}

/** A lead field a row's value went into → the history column it came from (to name it in a row error). */
const COLUMN_OF: Record<string, HistoryField> = {
  phone: 'phone', contactName: 'customerName', salesSource: 'salesSource', unitType: 'unitType', product: 'product',
  lastServiceType: 'serviceType', engineNumber: 'engineNumber', customerCode: 'customerCode', nationalId: 'nationalId',
};
