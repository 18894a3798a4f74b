import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AuditedEntity } from '@crm/db';

/** contacts.contact — a company or a person (or an address of one). Queries use explicit SQL (contact-sql.ts). */
@Entity({ name: 'contact' })
export class ContactEntity extends AuditedEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: 'company' | 'person';

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ name: 'address_type', type: 'text' })
  addressType!: 'contact' | 'invoice' | 'delivery' | 'other' | 'private';

  @Column({ type: 'text', nullable: true })
  street!: string | null;

  @Column({ type: 'text', nullable: true })
  street2!: string | null;

  @Column({ type: 'text', nullable: true })
  city!: string | null;

  @Column({ type: 'text', nullable: true })
  state!: string | null;

  @Column({ type: 'text', nullable: true })
  zip!: string | null;

  @Column({ name: 'country_code', type: 'text', nullable: true })
  countryCode!: string | null;

  /** Trimmed and lower-cased. */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'email_entered', type: 'text', nullable: true })
  emailEntered!: string | null;

  /** E.164. */
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ name: 'phone_entered', type: 'text', nullable: true })
  phoneEntered!: string | null;

  @Column({ type: 'text', nullable: true })
  mobile!: string | null;

  @Column({ name: 'mobile_entered', type: 'text', nullable: true })
  mobileEntered!: string | null;

  @Column({ type: 'text', nullable: true })
  website!: string | null;

  @Column({ name: 'job_position', type: 'text', nullable: true })
  jobPosition!: string | null;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ name: 'tax_id', type: 'text', nullable: true })
  taxId!: string | null;

  /** Indonesian NIK (KTP), 16 digits. */
  @Column({ name: 'national_id', type: 'text', nullable: true })
  nationalId!: string | null;

  @Column({ name: 'occupation_id', type: 'uuid', nullable: true })
  occupationId!: string | null;

  @Column({ type: 'text', nullable: true })
  instagram!: string | null;

  @Column({ type: 'text', nullable: true })
  facebook!: string | null;

  @Column({ type: 'text', nullable: true })
  twitter!: string | null;

  @Column({ name: 'salesperson_id', type: 'uuid', nullable: true })
  salespersonId!: string | null;

  @Column({ name: 'branch_id', type: 'text', nullable: true })
  branchId!: string | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  /** Customer code, e.g. BPA/2004/1720353. */
  @Column({ type: 'text', nullable: true })
  code!: string | null;

  @Column({ name: 'merged_into_id', type: 'uuid', nullable: true })
  mergedIntoId!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Ids of the contact's tags (from contacts.contact_tag), sorted. */
  tagIds!: string[];
}
