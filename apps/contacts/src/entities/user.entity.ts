import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AuditedEntity } from '@crm/db';
import type { Role } from '@crm/auth';

/** A person who logs in: access group (role), branches, teams, time zone. */
@Entity({ name: 'user_account' })
export class UserEntity extends AuditedEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The e-mail address they log in with (lower-case). */
  @Column({ type: 'text' })
  login!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'contact_id', type: 'uuid', nullable: true })
  contactId!: string | null;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ name: 'branch_ids', type: 'text', array: true, default: () => "'{}'" })
  branchIds!: string[];

  @Column({ name: 'team_ids', type: 'uuid', array: true, default: () => "'{}'" })
  teamIds!: string[];

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash?: string | null;

  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true })
  passwordChangedAt!: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;
}
