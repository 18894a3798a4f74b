import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ProductType = 'GOODS' | 'SERVICE';

@Entity({ name: 'product' })
export class ProductEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'internal_reference', type: 'text', nullable: true })
  internalReference!: string | null;

  @Column({ type: 'text' })
  type!: ProductType;

  @Column({ name: 'list_price', type: 'numeric', precision: 20, scale: 2 })
  listPrice!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'unit_of_measure', type: 'text' })
  unitOfMeasure!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

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
