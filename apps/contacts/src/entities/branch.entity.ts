import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AuditedEntity } from '@crm/db';

/** contacts.branch — a dealer outlet, identified by its code (SAM01, A-BAN08). */
@Entity({ name: 'branch' })
export class BranchEntity extends AuditedEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'country_code', type: 'text' })
  countryCode!: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'workshop_opens_at', type: 'text', nullable: true })
  workshopOpensAt!: string | null;

  @Column({ name: 'workshop_closes_at', type: 'text', nullable: true })
  workshopClosesAt!: string | null;

  @Column({ name: 'default_phone_country', type: 'text' })
  defaultPhoneCountry!: string;

  @Column({ name: 'customer_code_prefix', type: 'text' })
  customerCodePrefix!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
