import { Column } from 'typeorm';

/**
 * The columns every aggregate has (DESIGN.md): optimistic-locking `version` and the audit
 * trail. Entities extend it; the columns are declared once.
 */
export abstract class AuditedEntity {
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;
}
