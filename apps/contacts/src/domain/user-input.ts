import { BRANCH_CODE, isRole, normalizeBranchCode, type Role } from '@crm/auth';
import { badInput } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import { isValidEmail, normalizeEmail } from './email';
import { passwordProblem } from './user-password';

/** GraphQL enum values ↔ the roles in tokens and events. */
export const ROLE_BY_ENUM: Record<string, Role> = {
  NONE: 'none',
  USER_OWN: 'user_own',
  USER_TEAM: 'user_team',
  USER_ALL: 'user_all',
  ADMIN: 'admin',
};

export interface UserAccessDraft {
  role: Role;
  branchIds: string[];
  teamIds: string[];
}

export interface NewUserDraft extends UserAccessDraft {
  login: string;
  name: string;
  contactId: string | null;
  timeZone: string;
  password: string | null;
}

export interface NewUserInput {
  login?: string | null;
  name?: string | null;
  contactId?: string | null;
  role?: string | null;
  branchIds?: string[] | null;
  teamIds?: string[] | null;
  timeZone?: string | null;
  password?: string | null;
}

export interface UserProfileInput {
  login?: string | null;
  name?: string | null;
  contactId?: string | null;
  timeZone?: string | null;
}

export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

/** A login is the user's e-mail address: trimmed, lower-cased, validated. */
export function validateLogin(raw: string | null | undefined, field = 'login'): string {
  const login = normalizeEmail(raw);
  if (login === null) throw badInput(field, 'the login (e-mail address) must not be empty');
  if (!isValidEmail(login)) throw badInput(field, `"${raw}" is not a valid e-mail address`);
  return login;
}

export function validateName(raw: string | null | undefined): string {
  const name = (raw ?? '').trim();
  if (name === '') throw badInput('name', 'name must not be empty');
  if (name.length > 200) throw badInput('name', 'name is longer than 200 characters');
  return name;
}

/** An IANA time zone the runtime knows (Asia/Jakarta, Asia/Makassar, UTC …). */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function validateTimeZone(raw: string | null | undefined): string {
  const tz = (raw ?? '').trim();
  if (!isTimeZone(tz)) throw badInput('timeZone', `"${raw}" is not an IANA time zone (e.g. Asia/Jakarta)`);
  return tz;
}

export function validateContactId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (!isUuid(raw)) throw badInput('contactId', `"${raw}" is not a contact id`);
  return raw;
}

export function validateRole(raw: string | null | undefined): Role {
  const role = raw ? (ROLE_BY_ENUM[raw] ?? raw) : undefined;
  if (!isRole(role)) throw badInput('role', `unknown access group "${raw}"`);
  return role;
}

/** Branch codes, upper-cased, without duplicates, sorted; empty = head office. */
export function validateBranchIds(raw: readonly string[] | null | undefined): string[] {
  const codes = new Set<string>();
  for (const value of raw ?? []) {
    const code = normalizeBranchCode(value);
    if (code === null || !BRANCH_CODE.test(code)) throw badInput('branchIds', `"${value}" is not a branch code (e.g. SAM01)`);
    codes.add(code);
  }
  return [...codes].sort();
}

export function validateTeamIds(raw: readonly string[] | null | undefined): string[] {
  const ids = new Set<string>();
  for (const value of raw ?? []) {
    if (!isUuid(value)) throw badInput('teamIds', `"${value}" is not a team id`);
    ids.add(value.toLowerCase());
  }
  return [...ids].sort();
}

/**
 * Team membership has one master, the sales team (pipeline: updateSalesTeam memberIds / leaderId);
 * a user's teamIds follow its events. createUser and setUserAccess refuse to set them.
 */
export const TEAM_MEMBERSHIP_HINT =
  'team membership is set on the sales team: add or remove the user with updateSalesTeam (memberIds, leaderId); the user\'s teamIds follow it';

export function refuseTeamIds(raw: readonly string[] | null | undefined, allowEmpty: boolean): void {
  if (raw === undefined || raw === null) return;
  if (allowEmpty && raw.length === 0) return;
  validateTeamIds(raw);
  throw badInput('teamIds', TEAM_MEMBERSHIP_HINT);
}

export function validatePassword(raw: string | null | undefined, field = 'password'): string {
  const problem = passwordProblem(raw ?? '');
  if (problem) throw badInput(field, problem);
  return raw!;
}

export function validateNewUser(input: NewUserInput): NewUserDraft {
  refuseTeamIds(input.teamIds, true);
  return {
    login: validateLogin(input.login),
    name: validateName(input.name),
    contactId: validateContactId(input.contactId),
    timeZone: input.timeZone == null ? DEFAULT_TIME_ZONE : validateTimeZone(input.timeZone),
    role: validateRole(input.role ?? 'user_own'),
    branchIds: validateBranchIds(input.branchIds),
    teamIds: [],
    password: input.password == null ? null : validatePassword(input.password),
  };
}

/** Only the fields given change; `contactId: null` unlinks the contact. */
export function validateProfilePatch(input: UserProfileInput): Partial<Pick<NewUserDraft, 'login' | 'name' | 'contactId' | 'timeZone'>> {
  const patch: Partial<Pick<NewUserDraft, 'login' | 'name' | 'contactId' | 'timeZone'>> = {};
  if (input.login !== undefined) patch.login = validateLogin(input.login);
  if (input.name !== undefined) patch.name = validateName(input.name);
  if (input.contactId !== undefined) patch.contactId = validateContactId(input.contactId);
  if (input.timeZone !== undefined) patch.timeZone = validateTimeZone(input.timeZone);
  return patch;
}

export function validateAccessPatch(input: { role?: string | null; branchIds?: string[] | null; teamIds?: string[] | null }): Partial<UserAccessDraft> {
  const patch: Partial<UserAccessDraft> = {};
  if (input.role !== undefined) patch.role = validateRole(input.role);
  if (input.branchIds !== undefined) patch.branchIds = validateBranchIds(input.branchIds);
  refuseTeamIds(input.teamIds, false);
  return patch;
}
