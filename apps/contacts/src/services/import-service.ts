import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { GraphQLError } from 'graphql';
import { requireRole, type AuthUser } from '@crm/auth';
import { csvRecords, importFilePath, type CsvRecord } from '@crm/csv';
import { badInput, conflict } from '@crm/graphql';
import { appendToOutbox } from '@crm/messaging';
import { isUuid, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { diffFields, type ContactFields, type ContactInput } from '../domain/contact-input';
import { resolveContact, type ContactRefs, type ParentInfo } from '../domain/contact-rules';
import { mapColumns, parseKind, splitTags, type ColumnMap, type ImportField } from '../domain/csv-columns';
import { normalizeCode } from '../domain/customer-code';
import { cleanNationalId } from '../domain/national-id';
import { advancePastCodes, nextCustomerCodes } from './code-sequence';
import type { ContactsConfig } from './config';
import { contactEvent } from './contact-events';
import { loadConfigLists, loadParents, loadUsers, loadWithCompanyChildren, type ConfigLists, type UserInfo } from './contact-refs';
import { SCHEMA, codeSettings } from './contact-service';
import { CONTACT_SELECT, FIELD_COLUMNS, FIELD_KEYS, contactScope, fieldsOf, rowToContact, type ContactRecord } from './contact-sql';
import { returnedRows, type Row } from './sql-util';

export interface ImportRowError {
  line: number;
  field: string;
  message: string;
}

export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: ImportRowError[];
  ignoredColumns: string[];
  dryRun: boolean;
}

export interface ImportOptions {
  /** The importing user (their branches and visibility apply); null: the system (CLI), no limits. */
  user: AuthUser | null;
  dryRun?: boolean;
  traceparent?: string;
  /** Rows per transaction (default 2000). */
  batchSize?: number;
}

/** Input fields ↔ the CSV columns that feed them, to name the column in a row error. */
const INPUT_TO_COLUMN: Record<string, ImportField> = { parentId: 'parentCode', occupationId: 'occupation', tagIds: 'tags' };

const UUID_COLUMNS = new Set(['parent_id', 'occupation_id', 'salesperson_id']);

interface Pending {
  id: string;
  before: ContactRecord | null;
  after: ContactFields;
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** The salesperson column names a user by id, login or name (a name two users share is not a key). */
function salespersonKeys(users: { id: string; name: string; login: string }[]): Map<string, string> {
  const keys = new Map<string, string>();
  const names = new Map<string, string[]>();
  for (const u of users) {
    keys.set(u.id.toLowerCase(), u.id);
    keys.set(u.login.toLowerCase(), u.id);
    const name = u.name.trim().toLowerCase();
    names.set(name, [...(names.get(name) ?? []), u.id]);
  }
  for (const [name, ids] of names) if (ids.length === 1 && !keys.has(name)) keys.set(name, ids[0]!);
  return keys;
}

/** What one import remembers across its batches. */
interface ImportState {
  options: ImportOptions;
  columns: ColumnMap;
  lists: ConfigLists;
  occupationByName: Map<string, string>;
  tagByName: Map<string, string>;
  /** The user directory, read once; salespeople by id, login or (when unique) lower-case name. */
  users: Map<string, UserInfo>;
  userByKey: Map<string, string>;
  /** Contacts of this file that have a code, for later rows' parentCode. */
  fileParents: Map<string, ParentInfo>;
  result: ImportResult;
  now: Date;
}

interface ParsedRow {
  line: number;
  input: ContactInput;
  code: string | null;
  nationalId: string | null;
  parentCode: string | null;
  companyName: string | null;
}

class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function identityKey(f: ContactFields): string {
  return JSON.stringify([f.name.toLowerCase(), f.parentId, f.email, f.phone, f.mobile]);
}

/**
 * Imports contacts from CSV, streaming: rows are read as they come and written in batches
 * (one transaction per batch of 2,000: the rows, their tags and their events in the outbox).
 * A row upserts the contact with its customer code, else the one active contact with its
 * national id, else the one with the same name, parent, e-mail, phone and mobile; otherwise
 * it creates one (drawing a code from the branch's counter). Empty cells leave a field as it
 * is. A bad row is reported (line, column, message) and skipped; the others are imported.
 * Running the same file twice changes nothing the second time and publishes no event.
 */
export class ImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: ContactsConfig,
  ) {}

  /** `importContacts(input: { csv | path, dryRun })`: CSV text, or a file of the import directory (admins). */
  async importFromApi(input: { csv?: string | null; path?: string | null; dryRun?: boolean | null }, ctx: BaseContext): Promise<ImportResult> {
    const user = requireRole(ctx, ['admin', 'user_all']);
    const hasCsv = typeof input.csv === 'string' && input.csv.length > 0;
    const hasPath = typeof input.path === 'string' && input.path.length > 0;
    if (hasCsv === hasPath) throw badInput(hasCsv ? 'path' : 'csv', 'give either csv (the file’s text) or path (a file of the import directory)');
    let stream: Readable;
    if (hasPath) {
      requireRole(ctx, ['admin']);
      stream = createReadStream(this.importPath(input.path!));
    } else {
      stream = Readable.from([input.csv!]);
    }
    return this.importStream(stream, { user, dryRun: Boolean(input.dryRun), traceparent: ctx.traceparent });
  }

  /** A path inside CONTACTS_IMPORT_DIR, or BAD_USER_INPUT: no other file of the server can be read. */
  importPath(path: string): string {
    return importFilePath(this.config.importDir, path);
  }

  async importStream(stream: Readable, options: ImportOptions): Promise<ImportResult> {
    const batchSize = options.batchSize ?? 2000;
    const records = csvRecords(stream);
    const result: ImportResult = { rows: 0, created: 0, updated: 0, unchanged: 0, failed: 0, errors: [], ignoredColumns: [], dryRun: Boolean(options.dryRun) };
    const headerRecord = await records.next().catch((error) => {
      throw badInput('csv', `the file cannot be read as CSV: ${(error as Error).message}`);
    });
    if (headerRecord.done) throw badInput('csv', 'the file is empty');
    const columns = mapColumns(headerRecord.value.cells);
    if (!columns.fields.some((f) => f === 'name' || f === 'code' || f === 'nationalId')) {
      throw badInput('csv', 'the header names no name, code or national id column');
    }
    result.ignoredColumns = [...columns.ignored, ...columns.duplicates];

    const run = async (manager: EntityManager | null) => {
      const lists = await loadConfigLists(manager ?? this.dataSource.manager);
      const users = await loadUsers(manager ?? this.dataSource.manager);
      const state: ImportState = {
        options,
        columns,
        lists,
        occupationByName: new Map([...lists.occupations.values()].filter((o) => o.active).map((o) => [o.name.toLowerCase(), o.id])),
        tagByName: new Map([...lists.tags.values()].filter((t) => t.active).map((t) => [t.name.toLowerCase(), t.id])),
        users,
        userByKey: salespersonKeys([...users.values()]),
        fileParents: new Map(),
        result,
        now: this.clock.now(),
      };
      let batch: CsvRecord[] = [];
      let batches = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const rows = batch;
        batch = [];
        // A big import changes the table faster than autovacuum re-plans it: keep the
        // statistics fresh so key lookups stay index scans (1st batch, then every 20th).
        if (batches % 20 === 1) await (manager ?? this.dataSource.manager).query('ANALYZE contacts.contact, contacts.contact_tag');
        batches += 1;
        if (manager) await this.processBatch(manager, rows, state);
        else await this.dataSource.transaction((m) => this.processBatch(m, rows, state));
      };
      try {
        for await (const record of records) {
          if (record.cells.every((c) => c.trim() === '')) continue;
          batch.push(record);
          if (batch.length >= batchSize) await flush();
        }
      } catch (error) {
        if (error instanceof GraphQLError) throw error;
        throw badInput('csv', `the file cannot be read as CSV after line ${result.rows + 1}: ${(error as Error).message}`);
      }
      await flush();
    };

    if (options.dryRun) {
      // One transaction for the whole file, rolled back: later rows see earlier ones, nothing stays.
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await run(runner.manager);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    } else {
      await run(null);
    }
    result.errors.sort((a, b) => a.line - b.line);
    return result;
  }

  private parseRow(record: CsvRecord, state: ImportState): ParsedRow {
    const input: ContactInput = {};
    const row: ParsedRow = { line: record.line, input, code: null, nationalId: null, parentCode: null, companyName: null };
    state.columns.fields.forEach((field, i) => {
      if (field === null) return;
      const value = (record.cells[i] ?? '').trim();
      if (value === '') return;
      switch (field) {
        case 'kind':
          input.kind = parseKind(value);
          break;
        case 'parentCode':
          row.parentCode = normalizeCode(value);
          break;
        case 'company':
          row.companyName = value;
          break;
        case 'occupation': {
          const id = state.occupationByName.get(value.toLowerCase()) ?? (isUuid(value) && state.lists.occupations.get(value.toLowerCase())?.active ? value.toLowerCase() : undefined);
          if (!id) throw new RowError(state.columns.headers.occupation!, `unknown occupation "${value}"`);
          input.occupationId = id;
          break;
        }
        case 'tags': {
          const ids: string[] = [];
          for (const name of splitTags(value)) {
            const id = state.tagByName.get(name.toLowerCase());
            if (!id) throw new RowError(state.columns.headers.tags!, `unknown tag "${name}"`);
            ids.push(id);
          }
          input.tagIds = ids;
          break;
        }
        case 'salespersonId': {
          const id = state.userByKey.get(value.toLowerCase());
          if (!id) throw new RowError(state.columns.headers.salespersonId!, `unknown user "${value}" (give the login, the name or the id)`);
          input.salespersonId = id;
          break;
        }
        case 'code':
          input.code = value;
          row.code = normalizeCode(value);
          break;
        case 'nationalId':
          input.nationalId = value;
          row.nationalId = cleanNationalId(value);
          break;
        default:
          (input as Record<string, string>)[field] = value;
      }
    });
    return row;
  }

  private columnOf(field: string, state: ImportState): string {
    const importField = (INPUT_TO_COLUMN[field] ?? field) as ImportField;
    return state.columns.headers[importField] ?? field;
  }

  private async processBatch(manager: EntityManager, records: CsvRecord[], state: ImportState): Promise<void> {
    const { result, options } = state;
    const user = options.user;
    // Batch lookups are cheap but estimated expensive: JIT compiling them costs more than running them.
    await manager.query('SET LOCAL jit = off');
    const fail = (line: number, field: string, message: string) => {
      result.failed += 1;
      result.errors.push({ line, field, message });
    };
    result.rows += records.length;

    const parsed: ParsedRow[] = [];
    for (const record of records) {
      try {
        parsed.push(this.parseRow(record, state));
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        fail(record.line, error.field, error.message);
      }
    }

    // What the rows point at, read (and the matches locked) in a few queries for the batch.
    const codes = new Set<string>();
    const nationalIds = new Set<string>();
    const names = new Set<string>();
    const companyNames = new Set<string>();
    for (const row of parsed) {
      if (row.code) codes.add(row.code);
      if (row.parentCode && !state.fileParents.has(row.parentCode)) codes.add(row.parentCode);
      if (row.nationalId && /^\d{16}$/.test(row.nationalId)) nationalIds.add(row.nationalId);
      if (!row.code && !row.nationalId && row.input.name) names.add(row.input.name.trim().replace(/\s+/g, ' ').toLowerCase());
      if (row.companyName) companyNames.add(row.companyName.toLowerCase());
    }
    const params: unknown[] = [[...codes], [...nationalIds], [...names], [...companyNames]];
    const visible = user ? contactScope(user, params) : 'TRUE';
    const found: Row[] = await manager.query(
      // One index lookup per kind of key (an OR of them would scan the table).
      `SELECT ${CONTACT_SELECT}, (${visible}) AS visible FROM contacts.contact c
       WHERE c.id IN (
         SELECT id FROM contacts.contact WHERE code = ANY($1::text[])
         UNION SELECT id FROM contacts.contact WHERE national_id = ANY($2::text[]) AND active
         UNION SELECT id FROM contacts.contact WHERE lower(name) = ANY($3::text[]) AND active
         UNION SELECT id FROM contacts.contact WHERE lower(name) = ANY($4::text[]) AND active AND kind = 'company')
       ORDER BY c.id`,
      params,
    );
    const byCode = new Map<string, ContactRecord & { visible: boolean }>();
    const byNationalId = new Map<string, (ContactRecord & { visible: boolean })[]>();
    const byName = new Map<string, (ContactRecord & { visible: boolean })[]>();
    for (const r of found) {
      const contact = Object.assign(rowToContact(r), { visible: Boolean(r['visible']) });
      if (contact.code && codes.has(contact.code)) byCode.set(contact.code, contact);
      if (contact.active && contact.nationalId && nationalIds.has(contact.nationalId)) {
        byNationalId.set(contact.nationalId, [...(byNationalId.get(contact.nationalId) ?? []), contact]);
      }
      if (contact.active) {
        const key = contact.name.toLowerCase();
        byName.set(key, [...(byName.get(key) ?? []), contact]);
      }
    }
    const parentIds = new Set<string>();
    for (const c of byCode.values()) if (c.visible) parentIds.add(c.id);
    for (const list of byName.values()) for (const c of list) if (c.kind === 'company' && c.visible) parentIds.add(c.id);
    // The parents of the contacts rows may update (their parent stays unless the row names another).
    for (const r of found) if (r['parent_id']) parentIds.add(r['parent_id'] as string);
    // One connection in a transaction: one query at a time.
    const loadedParents = await loadParents(manager, user, [...parentIds]);
    const withCompanyChildren = await loadWithCompanyChildren(manager, found.map((r) => r['id'] as string));
    const parents = new Map<string, ParentInfo>(loadedParents);
    for (const info of state.fileParents.values()) parents.set(info.id, info);
    const refs: ContactRefs = { ...state.lists, users: state.users, parents, withCompanyChildren, defaultCountry: this.config.defaultCountry };

    const pending = new Map<string, Pending>();
    const pendingByCode = new Map<string, string>();
    const pendingByNationalId = new Map<string, string>();
    const pendingByIdentity = new Map<string, string>();
    const current = (contact: ContactRecord): { id: string; before: ContactRecord | null; fields: ContactFields } => {
      const p = pending.get(contact.id);
      return p ? { id: p.id, before: p.before, fields: p.after } : { id: contact.id, before: contact, fields: fieldsOf(contact) };
    };

    for (const row of parsed) {
      try {
        // The parent, by code (of this file or the database) or by company name.
        if (row.parentCode) {
          const fromFile = state.fileParents.get(row.parentCode);
          const fromDb = byCode.get(row.parentCode);
          const id = fromFile?.id ?? (fromDb?.visible ? fromDb.id : undefined);
          if (!id) throw new RowError(this.columnOf('parentCode', state), `no contact has the code ${row.parentCode} (companies must come before their people)`);
          row.input.parentId = id;
        } else if (row.companyName) {
          const matches = (byName.get(row.companyName.toLowerCase()) ?? []).filter((c) => c.kind === 'company' && c.visible);
          if (matches.length !== 1) {
            throw new RowError(state.columns.headers.company!, matches.length ? `${matches.length} companies are named "${row.companyName}"; use parentCode` : `no company is named "${row.companyName}"`);
          }
          row.input.parentId = matches[0]!.id;
        }

        // Which contact the row is: by code, else national id, else identity.
        let target: { id: string; before: ContactRecord | null; fields: ContactFields } | null = null;
        if (row.code) {
          const id = pendingByCode.get(row.code);
          const existing = byCode.get(row.code);
          if (id) target = { id, before: pending.get(id)!.before, fields: pending.get(id)!.after };
          else if (existing) {
            if (!existing.visible) throw new RowError(this.columnOf('code', state), `customer code ${row.code} belongs to a contact you cannot see`);
            target = current(existing);
          }
        }
        if (!target && row.nationalId && /^\d{16}$/.test(row.nationalId)) {
          const id = pendingByNationalId.get(row.nationalId);
          const existing = byNationalId.get(row.nationalId) ?? [];
          if (id) target = { id, before: pending.get(id)!.before, fields: pending.get(id)!.after };
          else if (existing.length > 1) {
            throw new RowError(this.columnOf('nationalId', state), `national id ${row.nationalId} matches ${existing.length} contacts; merge them first`);
          } else if (existing.length === 1) {
            if (!existing[0]!.visible) throw new RowError(this.columnOf('nationalId', state), `national id ${row.nationalId} belongs to a contact you cannot see`);
            target = current(existing[0]!);
          }
          if (target && row.code && target.fields.code !== null && target.fields.code !== row.code) {
            throw new RowError(this.columnOf('code', state), `national id ${row.nationalId} belongs to the contact with code ${target.fields.code}`);
          }
        }

        let after: ContactFields;
        let id: string;
        if (target) {
          id = target.id;
          after = resolveContact(id, target.fields, row.input, refs, user);
        } else {
          id = uuidv7(state.now.getTime());
          after = resolveContact(id, null, row.input, refs, user);
          if (!row.code && !row.nationalId) {
            const key = identityKey(after);
            const same = pendingByIdentity.get(key);
            const existing = (byName.get(after.name.toLowerCase()) ?? []).filter((c) => c.visible && identityKey(current(c).fields) === key);
            if (same || existing.length === 1) {
              target = same ? { id: same, before: pending.get(same)!.before, fields: pending.get(same)!.after } : current(existing[0]!);
              id = target.id;
              after = resolveContact(id, target.fields, row.input, refs, user);
            }
          }
        }

        const changes = target ? diffFields(target.fields, after) : {};
        if (target && Object.keys(changes).length === 0) {
          result.unchanged += 1;
          continue;
        }
        const before = target ? target.before : null;
        const all = before ? diffFields(fieldsOf(before), after) : {};
        if (pending.has(id) || before) result.updated += 1;
        else result.created += 1;
        pending.set(id, { id, before, after, changes: all });
        if (after.code) pendingByCode.set(after.code, id);
        if (after.nationalId) pendingByNationalId.set(after.nationalId, id);
        if (!before) pendingByIdentity.set(identityKey(after), id);
        if (after.code) {
          const parentLineage = after.parentId ? (parents.get(after.parentId)?.lineage ?? [after.parentId]) : [];
          const info: ParentInfo = { id, kind: after.kind, countryCode: after.countryCode, branchId: after.branchId, lineage: [id, ...parentLineage] };
          state.fileParents.set(after.code, info);
          parents.set(id, info);
        }
      } catch (error) {
        if (error instanceof RowError) fail(row.line, error.field, error.message);
        else if (error instanceof GraphQLError) fail(row.line, this.columnOf(String(error.extensions['field'] ?? 'row'), state), error.message);
        else throw error;
      }
    }
    await this.write(manager, [...pending.values()], state);
  }

  private async write(manager: EntityManager, rows: Pending[], state: ImportState): Promise<void> {
    if (rows.length === 0) return;
    const { now } = state;
    const by = state.options.user?.id ?? null;
    const inserts = rows.filter((r) => r.before === null);
    const updates = rows.filter((r) => r.before !== null);

    // Codes for new contacts without one, from their branch's counter.
    const needCode = new Map<string, { timeZone: string; rows: Pending[] }>();
    for (const row of inserts) {
      if (row.after.code !== null || row.after.addressType !== 'contact') continue;
      const { prefix, timeZone } = codeSettings(state.lists, row.after.branchId, this.config, state.options.user);
      const group = needCode.get(prefix) ?? { timeZone, rows: [] };
      group.rows.push(row);
      needCode.set(prefix, group);
    }
    // Codes given in the file first move their counters past them, so drawn codes never clash.
    await advancePastCodes(manager, rows.map((r) => (r.before?.code === r.after.code ? null : r.after.code)));
    for (const [prefix, group] of needCode) {
      const codes = await nextCustomerCodes(manager, prefix, group.rows.length, now, group.timeZone);
      group.rows.forEach((row, i) => (row.after.code = codes[i]!));
    }

    // Rows travel as one JSON parameter (serialised natively; pg's array escaping is far slower).
    const names = FIELD_KEYS.map((k) => FIELD_COLUMNS[k]);
    const recordType = `id uuid, version int, ${names.map((col) => `${col} ${UUID_COLUMNS.has(col) ? 'uuid' : 'text'}`).join(', ')}`;
    const json = (list: Pending[]) =>
      JSON.stringify(
        list.map((r) => {
          const row: Record<string, unknown> = { id: r.id, version: r.before?.version ?? 0 };
          for (const key of FIELD_KEYS) row[FIELD_COLUMNS[key]] = r.after[key];
          return row;
        }),
      );
    if (inserts.length > 0) {
      await manager.query(
        `INSERT INTO contacts.contact (id, ${names.join(', ')}, active, version, created_at, updated_at, created_by, updated_by)
         SELECT u.id, ${names.map((col) => `u.${col}`).join(', ')}, true, 1, $2, $2, $3::uuid, $3::uuid
         FROM json_to_recordset($1::json) AS u(${recordType})`,
        [json(inserts), now, by],
      );
    }
    if (updates.length > 0) {
      // Optimistic: each row is written only at the version it was read at (rows are not locked while the batch is checked).
      const written = returnedRows(
        await manager.query(
          `UPDATE contacts.contact c SET ${names.map((col) => `${col} = u.${col}`).join(', ')},
             version = c.version + 1, updated_at = $2, updated_by = $3::uuid
           FROM json_to_recordset($1::json) AS u(${recordType})
           WHERE c.id = u.id AND c.version = u.version RETURNING c.id`,
          [json(updates), now, by],
        ),
      );
      if (written.length !== updates.length) {
        throw conflict('contacts changed while the file was imported; import it again (rows already imported stay as they are)');
      }
    }
    const tagged = rows.filter((r) => r.before === null ? r.after.tagIds.length > 0 : 'tagIds' in r.changes);
    if (tagged.length > 0) {
      await manager.query(`DELETE FROM contacts.contact_tag WHERE contact_id = ANY($1::uuid[])`, [tagged.filter((r) => r.before).map((r) => r.id)]);
      const pairs = tagged.flatMap((r) => r.after.tagIds.map((t) => [r.id, t] as const));
      if (pairs.length > 0) {
        await manager.query(`INSERT INTO contacts.contact_tag (contact_id, tag_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
          pairs.map((p) => p[0]),
          pairs.map((p) => p[1]),
        ]);
      }
    }

    const events = rows.map((row) => {
      const record: ContactRecord = {
        ...row.after,
        id: row.id,
        mergedIntoId: row.before?.mergedIntoId ?? null,
        active: row.before?.active ?? true,
        version: (row.before?.version ?? 0) + 1,
        createdAt: row.before?.createdAt ?? now,
        createdBy: row.before ? row.before.createdBy : by,
        updatedAt: now,
        updatedBy: by,
        occupationName: row.after.occupationId ? (state.lists.occupations.get(row.after.occupationId)?.name ?? null) : null,
      };
      return row.before
        ? contactEvent('updated', record, { time: now, traceparent: state.options.traceparent, changes: diffFields(fieldsOf(row.before), row.after) })
        : contactEvent('created', record, { time: now, traceparent: state.options.traceparent });
    });
    await appendToOutbox(manager, SCHEMA, events);
  }
}
