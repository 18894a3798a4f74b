import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AuditedEntity } from '@crm/db';

/** contacts.tag — a coloured label on contacts (many-to-many through contacts.contact_tag). */
@Entity({ name: 'tag' })
export class TagEntity extends AuditedEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** #rrggbb */
  @Column({ type: 'text' })
  color!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;
}
