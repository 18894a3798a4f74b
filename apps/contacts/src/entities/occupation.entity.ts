import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AuditedEntity } from '@crm/db';

/** contacts.occupation — the configurable list a contact's occupation comes from ("Pekerjaan"). */
@Entity({ name: 'occupation' })
export class OccupationEntity extends AuditedEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
