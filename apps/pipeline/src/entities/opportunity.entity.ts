import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'opportunity' })
export class OpportunityEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId!: string | null;

  /** numeric: read back as a string, never a float. */
  @Column({ name: 'expected_revenue', type: 'numeric', precision: 20, scale: 2, default: 0 })
  expectedRevenue!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

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
