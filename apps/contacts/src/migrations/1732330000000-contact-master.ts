import type { MigrationInterface, QueryRunner } from 'typeorm';
import { uuidv7 } from '@crm/runtime';

/** The occupations of the dealer's customer master (seed 002, field "Pekerjaan"); admins edit the list. */
export const DEFAULT_OCCUPATIONS = [
  'Pegawai Negeri',
  'Karyawan Swasta',
  'Ojek',
  'Wiraswasta/Pedagang',
  'Mahasiswa/Pelajar',
  'Guru/Dosen',
  'TNI/Polri',
  'Ibu Rumah Tangga',
  'Petani/Nelayan',
  'Lainnya',
];

const AUDIT = `
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by uuid,
  updated_by uuid`;

/**
 * The customer master: companies and people with addresses, national id, occupation, social
 * handles, tags, salesperson, branch and customer code; branches, tags, occupations and the
 * code counters; trigram search (pg_trgm).
 */
export class ContactMaster1732330000000 implements MigrationInterface {
  name = 'ContactMaster1732330000000';

  async up(runner: QueryRunner): Promise<void> {
    // In public, so every schema's queries find its functions and operator classes.
    await runner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');

    await runner.query(`
      CREATE TABLE contacts.code_sequence (
        prefix text PRIMARY KEY CHECK (prefix ~ '^[A-Z0-9][A-Z0-9-]{0,15}$'),
        next_value bigint NOT NULL DEFAULT 1 CHECK (next_value >= 1),
        padding integer NOT NULL DEFAULT 6 CHECK (padding BETWEEN 1 AND 18)
      )`);
    await runner.query(`INSERT INTO contacts.code_sequence (prefix) VALUES ('BPA')`);

    await runner.query(`
      CREATE TABLE contacts.branch (
        id text PRIMARY KEY CHECK (id ~ '^[A-Z0-9-]{2,20}$'),
        name text NOT NULL CHECK (btrim(name) <> ''),
        country_code text NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
        time_zone text NOT NULL,
        workshop_opens_at text CHECK (workshop_opens_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        workshop_closes_at text CHECK (workshop_closes_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        default_phone_country text NOT NULL CHECK (default_phone_country ~ '^[A-Z]{2}$'),
        customer_code_prefix text NOT NULL DEFAULT 'BPA' CHECK (customer_code_prefix ~ '^[A-Z0-9][A-Z0-9-]{0,15}$'),
        active boolean NOT NULL DEFAULT true,
        ${AUDIT}
      )`);

    await runner.query(`
      CREATE TABLE contacts.occupation (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        sequence integer NOT NULL DEFAULT 10,
        active boolean NOT NULL DEFAULT true,
        ${AUDIT}
      )`);
    await runner.query('CREATE UNIQUE INDEX occupation_name_uq ON contacts.occupation (lower(name))');
    const now = new Date();
    for (const [i, name] of DEFAULT_OCCUPATIONS.entries()) {
      await runner.query(
        `INSERT INTO contacts.occupation (id, name, sequence, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
        [uuidv7(now.getTime()), name, (i + 1) * 10, now],
      );
    }

    await runner.query(`
      CREATE TABLE contacts.tag (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        color text NOT NULL DEFAULT '#9e9e9e' CHECK (color ~ '^#[0-9a-f]{6}$'),
        active boolean NOT NULL DEFAULT true,
        ${AUDIT}
      )`);
    await runner.query('CREATE UNIQUE INDEX tag_name_uq ON contacts.tag (lower(name))');

    await runner.query(`
      ALTER TABLE contacts.contact
        ADD COLUMN kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('company', 'person')),
        ADD COLUMN parent_id uuid REFERENCES contacts.contact (id),
        ADD COLUMN address_type text NOT NULL DEFAULT 'contact'
          CHECK (address_type IN ('contact', 'invoice', 'delivery', 'other', 'private')),
        ADD COLUMN street text,
        ADD COLUMN street2 text,
        ADD COLUMN city text,
        ADD COLUMN state text,
        ADD COLUMN zip text,
        ADD COLUMN country_code text CHECK (country_code ~ '^[A-Z]{2}$'),
        ADD COLUMN email_entered text,
        ADD COLUMN phone text CHECK (phone ~ '^\\+[1-9][0-9]{3,14}$'),
        ADD COLUMN phone_entered text,
        ADD COLUMN mobile text CHECK (mobile ~ '^\\+[1-9][0-9]{3,14}$'),
        ADD COLUMN mobile_entered text,
        ADD COLUMN website text,
        ADD COLUMN job_position text,
        ADD COLUMN title text,
        ADD COLUMN tax_id text,
        ADD COLUMN national_id text CHECK (national_id ~ '^[0-9]{16}$'),
        ADD COLUMN occupation_id uuid REFERENCES contacts.occupation (id),
        ADD COLUMN instagram text,
        ADD COLUMN facebook text,
        ADD COLUMN twitter text,
        ADD COLUMN salesperson_id uuid,
        ADD COLUMN branch_id text REFERENCES contacts.branch (id),
        ADD COLUMN notes text,
        ADD COLUMN code text,
        ADD COLUMN merged_into_id uuid REFERENCES contacts.contact (id),
        ADD CONSTRAINT contact_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)`);
    // What the text filter searches by trigram: name, code, e-mail, phones (E.164), tax id (the national
    // id is matched whole, through its own index: 16 more digits would make every import slower).
    await runner.query(`
      ALTER TABLE contacts.contact ADD COLUMN search_text text GENERATED ALWAYS AS (lower(
        name || ' ' || coalesce(code, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' ||
        coalesce(mobile, '') || ' ' || coalesce(tax_id, ''))) STORED`);
    // Names compared for duplicates: lower case, punctuation squeezed to one space.
    await runner.query(`
      ALTER TABLE contacts.contact ADD COLUMN name_key text GENERATED ALWAYS AS (
        btrim(regexp_replace(lower(name), '[^[:alnum:]]+', ' ', 'g'))) STORED`);

    // One trigram index serves search and similar-name duplicates. A larger pending list (16 MB,
    // default 4 MB) lets bulk imports merge trigrams in big sorted runs.
    await runner.query(
      'CREATE INDEX contact_search_trgm ON contacts.contact USING gin (search_text public.gin_trgm_ops) WITH (gin_pending_list_limit = 16384)',
    );
    await runner.query('CREATE UNIQUE INDEX contact_code_uq ON contacts.contact (code) WHERE code IS NOT NULL');
    await runner.query('CREATE INDEX contact_name_order ON contacts.contact (lower(name), id)');
    await runner.query('CREATE INDEX contact_updated_order ON contacts.contact (updated_at, id)');
    await runner.query('CREATE INDEX contact_email_idx ON contacts.contact (email) WHERE email IS NOT NULL');
    await runner.query('CREATE INDEX contact_phone_idx ON contacts.contact (phone) WHERE phone IS NOT NULL');
    await runner.query('CREATE INDEX contact_mobile_idx ON contacts.contact (mobile) WHERE mobile IS NOT NULL');
    await runner.query('CREATE INDEX contact_national_id_idx ON contacts.contact (national_id) WHERE national_id IS NOT NULL');
    await runner.query('CREATE INDEX contact_tax_id_idx ON contacts.contact (tax_id) WHERE tax_id IS NOT NULL');
    await runner.query('CREATE INDEX contact_parent_idx ON contacts.contact (parent_id) WHERE parent_id IS NOT NULL');
    await runner.query('CREATE INDEX contact_branch_idx ON contacts.contact (branch_id, id)');
    await runner.query('CREATE INDEX contact_salesperson_idx ON contacts.contact (salesperson_id) WHERE salesperson_id IS NOT NULL');

    await runner.query(`
      CREATE TABLE contacts.contact_tag (
        contact_id uuid NOT NULL REFERENCES contacts.contact (id) ON DELETE CASCADE,
        tag_id uuid NOT NULL REFERENCES contacts.tag (id),
        PRIMARY KEY (contact_id, tag_id)
      )`);
    await runner.query('CREATE INDEX contact_tag_tag_idx ON contacts.contact_tag (tag_id, contact_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE contacts.contact_tag');
    await runner.query(`
      ALTER TABLE contacts.contact
        DROP COLUMN search_text, DROP COLUMN name_key, DROP COLUMN kind, DROP COLUMN parent_id, DROP COLUMN address_type,
        DROP COLUMN street, DROP COLUMN street2, DROP COLUMN city, DROP COLUMN state, DROP COLUMN zip, DROP COLUMN country_code,
        DROP COLUMN email_entered, DROP COLUMN phone, DROP COLUMN phone_entered, DROP COLUMN mobile, DROP COLUMN mobile_entered,
        DROP COLUMN website, DROP COLUMN job_position, DROP COLUMN title, DROP COLUMN tax_id, DROP COLUMN national_id,
        DROP COLUMN occupation_id, DROP COLUMN instagram, DROP COLUMN facebook, DROP COLUMN twitter,
        DROP COLUMN salesperson_id, DROP COLUMN branch_id, DROP COLUMN notes, DROP COLUMN code, DROP COLUMN merged_into_id`);
    await runner.query('DROP TABLE contacts.tag');
    await runner.query('DROP TABLE contacts.occupation');
    await runner.query('DROP TABLE contacts.branch');
    await runner.query('DROP TABLE contacts.code_sequence');
  }
}
