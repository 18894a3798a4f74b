import { headerKey } from '@crm/csv';
import { BRANCH_CODE, normalizeBranchCode } from '@crm/auth';
import { engineKey, kpbNumberOf, parseHistoryDate, type HistoryRow } from './lead-generation';

/** What a column of a sales/service history file holds. */
export type HistoryField =
  | 'kind' | 'branch' | 'customerCode' | 'nationalId' | 'customerName' | 'phone' | 'engineNumber' | 'salesDate' | 'serviceDate'
  | 'serviceType' | 'unitType' | 'product' | 'salesSource' | 'document';

/** Header spellings (headerKey) → field: English and the dealer's lead-form / Indonesian labels. */
const ALIASES: Record<string, HistoryField> = {
  kind: 'kind', history: 'kind', category: 'kind', jenis: 'kind', source: 'kind',
  branch: 'branch', branchid: 'branch', branchcode: 'branch', cabang: 'branch', kodecabang: 'branch',
  customer: 'customerCode', customercode: 'customerCode', partnercode: 'customerCode', bpa: 'customerCode', kodecustomer: 'customerCode',
  ktp: 'nationalId', noktp: 'nationalId', nationalid: 'nationalId', nik: 'nationalId',
  name: 'customerName', nama: 'customerName', customername: 'customerName', namacustomer: 'customerName', contactname: 'customerName',
  phone: 'phone', mobile: 'phone', hp: 'phone', nohp: 'phone', telepon: 'phone', notlp: 'phone',
  engineno: 'engineNumber', enginenumber: 'engineNumber', engine: 'engineNumber', nomesin: 'engineNumber', nosin: 'engineNumber',
  salesdate: 'salesDate', tanggalpenjualan: 'salesDate', tanggaljual: 'salesDate',
  servicedate: 'serviceDate', datelastservice: 'serviceDate', lastservicedate: 'serviceDate', tanggalservis: 'serviceDate', tanggalservice: 'serviceDate',
  servicetype: 'serviceType', typelastservice: 'serviceType', lastservicetype: 'serviceType', typeservice: 'serviceType', jenisservis: 'serviceType',
  typeunit: 'unitType', unittype: 'unitType', tipeunit: 'unitType',
  product: 'product', produk: 'product',
  salessource: 'salesSource',
  document: 'document', sourcedocument: 'document', documentno: 'document', nodokumen: 'document',
};

export interface HistoryColumns {
  fields: (HistoryField | null)[];
  /** Field → the header as written (row errors name the column). */
  headers: Partial<Record<HistoryField, string>>;
  ignored: string[];
}

export function mapHistoryColumns(header: readonly string[]): HistoryColumns {
  const map: HistoryColumns = { fields: [], headers: {}, ignored: [] };
  for (const raw of header) {
    const field = ALIASES[headerKey(raw)] ?? null;
    if (field === null || map.headers[field] !== undefined) {
      if (raw.trim() !== '') map.ignored.push(raw.trim());
      map.fields.push(null);
    } else {
      map.headers[field] = raw.trim();
      map.fields.push(field);
    }
  }
  return map;
}

/** The columns a history file cannot do without (null: all there). */
export function missingColumn(columns: HistoryColumns): HistoryField | null {
  for (const f of ['kind', 'branch', 'engineNumber'] as const) if (columns.headers[f] === undefined) return f;
  if (columns.headers.salesDate === undefined && columns.headers.serviceDate === undefined) return 'salesDate';
  return null;
}

/** One parsed row: what the rules read, and what the lead is filled in with. */
export interface ParsedHistoryRow extends HistoryRow {
  customerCode: string | null;
  nationalId: string | null;
  customerName: string | null;
  phone: string | null;
  /** The engine as written (plate - engine), for the lead's Engine No. */
  engineNumberAsWritten: string;
  salesDate: string | null;
  unitType: string | null;
  product: string | null;
  salesSource: string | null;
  document: string | null;
}

export interface HistoryRowError {
  line: number;
  field: string;
  message: string;
  code: string;
}

const SALES = new Set(['sales', 'sale', 'h1', 'penjualan', 'h1toh2']);
const SERVICE = new Set(['service', 'servis', 'h2', 'workshop', 'h2toh2']);

/** Parses one record; a row error names the column as the file writes it. */
export function parseHistoryRow(line: number, cells: readonly string[], columns: HistoryColumns): ParsedHistoryRow | HistoryRowError {
  const value = (f: HistoryField): string | null => {
    const i = columns.fields.indexOf(f);
    const v = i >= 0 ? (cells[i] ?? '').trim() : '';
    return v === '' ? null : v;
  };
  const error = (f: HistoryField, message: string): HistoryRowError => ({ line, field: columns.headers[f] ?? f, message, code: 'BAD_USER_INPUT' });
  const kindRaw = headerKey(value('kind') ?? '');
  const kind = SALES.has(kindRaw) ? 'sales' : SERVICE.has(kindRaw) ? 'service' : null;
  if (!kind) return error('kind', `"${value('kind') ?? ''}" is neither SALES (H1) nor SERVICE (H2)`);
  const branchId = normalizeBranchCode(value('branch'));
  if (!branchId) return error('branch', 'the branch is required');
  if (!BRANCH_CODE.test(branchId)) return error('branch', `"${value('branch')}" is not a branch code (e.g. SAM01)`);
  const engineRaw = value('engineNumber');
  const engineNumber = engineRaw ? engineKey(engineRaw) : '';
  if (!engineRaw || engineNumber === '') return error('engineNumber', 'the engine number is required');
  const dateField = kind === 'sales' ? 'salesDate' : 'serviceDate';
  const dateRaw = value(dateField);
  if (!dateRaw) return error(dateField, `a ${kind} row needs its ${kind} date`);
  const date = parseHistoryDate(dateRaw);
  if (!date) return error(dateField, `"${dateRaw}" is not a date YYYY-MM-DD`);
  const salesDateRaw = value('salesDate');
  let salesDate: string | null = kind === 'sales' ? date : null;
  if (kind === 'service' && salesDateRaw) {
    salesDate = parseHistoryDate(salesDateRaw);
    if (!salesDate) return error('salesDate', `"${salesDateRaw}" is not a date YYYY-MM-DD`);
  }
  const serviceType = value('serviceType');
  if (serviceType && /^\s*kpb/i.test(serviceType) && kpbNumberOf(serviceType) === null) return error('serviceType', `"${serviceType}" is not KPB 1–9 or a regular service`);
  const nationalId = value('nationalId')?.replace(/\D/g, '') || null;
  const customerName = value('customerName');
  const customerCode = value('customerCode')?.toUpperCase() ?? null;
  if (!customerName && !customerCode && !nationalId) return error('customerName', 'name the customer (name, customer code or KTP)');
  return {
    line,
    kind,
    branchId,
    engineNumber,
    date,
    serviceType: kind === 'service' ? serviceType : null,
    customerCode,
    nationalId,
    customerName,
    phone: value('phone'),
    engineNumberAsWritten: engineRaw,
    salesDate,
    unitType: value('unitType'),
    product: value('product'),
    salesSource: value('salesSource'),
    document: value('document'),
  };
}

export function isRowError(r: ParsedHistoryRow | HistoryRowError): r is HistoryRowError {
  return 'message' in r;
}
