import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ActivityCategory = 'DEFAULT' | 'MEETING' | 'UPLOAD_DOCUMENT' | 'PHONE_CALL';

@Entity({ name: 'activity_type' })
export class ActivityTypeEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  icon!: string | null;

  @Column({ type: 'text' })
  category!: ActivityCategory;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
