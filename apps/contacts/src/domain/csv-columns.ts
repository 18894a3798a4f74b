import { headerKey } from '@crm/csv';

export { detectDelimiter, headerKey } from '@crm/csv';

/** What a CSV column holds: a contact field, or a reference resolved by name/code. */
export type ImportField =
  | 'code' | 'name' | 'kind' | 'parentCode' | 'company' | 'addressType' | 'street' | 'street2' | 'city' | 'state' | 'zip'
  | 'countryCode' | 'email' | 'phone' | 'mobile' | 'website' | 'jobPosition' | 'title' | 'taxId' | 'nationalId'
  | 'occupation' | 'instagram' | 'facebook' | 'twitter' | 'tags' | 'salespersonId' | 'branchId' | 'notes';

/** Header spellings (lower case, without spaces, _ , - and .) → field; English, Odoo and the dealer's Indonesian labels. */
const ALIASES: Record<string, ImportField> = {
  code: 'code', customercode: 'code', partnercode: 'code', ref: 'code', reference: 'code', kodecustomer: 'code',
  name: 'name', nama: 'name', customername: 'name', namacustomer: 'name', contactname: 'name',
  kind: 'kind', iscompany: 'kind', companytype: 'kind',
  parentcode: 'parentCode', companycode: 'parentCode',
  company: 'company', parent: 'company', companyname: 'company', parentname: 'company',
  addresstype: 'addressType', type: 'addressType',
  street: 'street', alamat: 'street', address: 'street', street2: 'street2',
  city: 'city', kota: 'city', state: 'state', province: 'state', provinsi: 'state',
  zip: 'zip', postcode: 'zip', postalcode: 'zip', kodepos: 'zip',
  country: 'countryCode', countrycode: 'countryCode',
  email: 'email', emailaddress: 'email',
  phone: 'phone', telephone: 'phone', notlp: 'phone', telepon: 'phone',
  mobile: 'mobile', hp: 'mobile', nohp: 'mobile', handphone: 'mobile',
  website: 'website', web: 'website',
  jobposition: 'jobPosition', function: 'jobPosition', jabatan: 'jobPosition',
  title: 'title',
  taxid: 'taxId', vat: 'taxId', npwp: 'taxId',
  nationalid: 'nationalId', ktp: 'nationalId', noktp: 'nationalId', nik: 'nationalId',
  occupation: 'occupation', pekerjaan: 'occupation',
  instagram: 'instagram', facebook: 'facebook', twitter: 'twitter',
  tags: 'tags', tag: 'tags',
  salesperson: 'salespersonId', salespersonid: 'salespersonId',
  branch: 'branchId', branchid: 'branchId', branchcode: 'branchId', cabang: 'branchId',
  notes: 'notes', internalnotes: 'notes', note: 'notes', catatan: 'notes',
};

export interface ColumnMap {
  /** Column index → field. */
  fields: (ImportField | null)[];
  /** Field → the header as written (to name the column in row errors). */
  headers: Partial<Record<ImportField, string>>;
  ignored: string[];
  duplicates: string[];
}


export function mapColumns(header: string[]): ColumnMap {
  const map: ColumnMap = { fields: [], headers: {}, ignored: [], duplicates: [] };
  for (const raw of header) {
    const field = ALIASES[headerKey(raw)] ?? null;
    if (field === null) {
      if (raw.trim() !== '') map.ignored.push(raw.trim());
      map.fields.push(null);
    } else if (map.headers[field] !== undefined) {
      map.duplicates.push(raw.trim());
      map.fields.push(null);
    } else {
      map.headers[field] = raw.trim();
      map.fields.push(field);
    }
  }
  return map;
}


/** "company", "true", "1", "yes", "ya" → company; "person", "individual", "false", "0", "no", "tidak" → person. */
export function parseKind(value: string): string {
  const v = value.trim().toLowerCase();
  if (['company', 'true', '1', 'yes', 'y', 'ya', 'perusahaan'].includes(v)) return 'company';
  if (['person', 'individual', 'false', '0', 'no', 'n', 'tidak', 'perorangan'].includes(v)) return 'person';
  return v;
}

/** Tag names from "VIP; KPB" or "VIP, KPB". */
export function splitTags(value: string): string[] {
  return value.split(/[;,|]/).map((t) => t.trim()).filter(Boolean);
}
