/**
 * The access matrix: every role × branch × operation × subject, as data. Each cell runs one
 * operation as one persona and compares what the persona got with what the access rules say
 * it may get (`canSee` of libs/auth, or the subject's own rule), naming the cell that fails:
 *
 *   pipeline.opportunity / list / user_own@SAM01: leaked [MAN01 unassigned in team]
 *
 * A subject is one kind of record in one subgraph (contacts.contact, pipeline.opportunity …):
 * how to create fixture records with a given owner/team/branch, and its operations (read one,
 * list, count, sum, update, delete, export, entity resolution — issue 8's list). An operation
 * may be a variant of one of them (`sum: board columns`, `delete: archive`); an operation a
 * subject does not have is named with the reason (`notApplicable`). Reporting's subjects
 * (tests/e2e/src/access-matrix-reporting.ts) reuse the other subjects' fixtures and rules.
 * Adding a subgraph to the matrix = adding a subject (see tests/e2e/test/access-matrix.spec.ts
 * and libs/auth/README.md).
 */
import { canSee, canSeeOrAssigned, signAccessToken, type AuthUser, type Role } from '@crm/auth';
import { GraphQLClient, eventually, type GraphQLResponse, type Stack } from '@crm/testing';

export const MATRIX_ROLES: Role[] = ['none', 'user_own', 'user_team', 'user_all', 'admin'];
/** Two dealer branches of seed 002, and head office (no branch: sees every branch). */
export const MATRIX_BRANCHES = ['SAM01', 'MAN01', 'HO'] as const;
export type MatrixBranch = (typeof MATRIX_BRANCHES)[number];
export type DealerBranch = Exclude<MatrixBranch, 'HO'>;

/** Issue 8's operations: every subject names each of them (run, or not applicable with the reason). */
export const ISSUE8_OPERATIONS = ['read one', 'list', 'count', 'sum', 'update', 'delete', 'export', 'entity'] as const;
export type BaseOperation = (typeof ISSUE8_OPERATIONS)[number];
/** An operation, or a variant of one (`sum: board columns`). */
export type OperationName = BaseOperation | `${BaseOperation}: ${string}`;

export function baseOperation(name: OperationName): BaseOperation {
  return name.split(':')[0] as BaseOperation;
}

export interface Persona {
  key: string;
  role: Role;
  branch: MatrixBranch;
  user: AuthUser;
  token: string;
}

/** The owner, team and branch a fixture record carries (persona keys, not ids). null = none. */
export interface FixtureScope {
  owner: string | null;
  /** A persona branch's sales team; null = a team none of the personas is in (or no team). */
  team: MatrixBranch | null;
  branch: DealerBranch | null;
}

export interface Fixture {
  id: string;
  label: string;
  scope: FixtureScope;
  /** Someone who sees the record besides its scope, inside their branches (an activity's assignee, persona key). */
  assignee?: string | null;
  /** An amount the subject sums (e.g. expected revenue), when it has one. */
  amount?: number;
  /** Further measures by name (e.g. prorated revenue), for operations with a `measure`. */
  amounts?: Record<string, number>;
  /** Anything the subject needs later (e.g. the record an activity is on). */
  meta?: Record<string, string>;
}

/** What the matrix created once per stack: personas, and the teams and branches they belong to. */
export interface MatrixSetup {
  /** The gateway as a head-office administrator. */
  admin: GraphQLClient;
  personas: Persona[];
  /** One real sales team (pipeline subgraph) per persona branch. */
  teams: Record<MatrixBranch, string>;
  /** The pipeline's default team ("Sales"): no persona is in it (records "without a team" land there). */
  noPersonaTeam: string;
}

/**
 * Who may read a subject's records:
 * - scoped: the record rule of libs/auth (owner / team / branch, per access group), plus the
 *   fixture's assignee inside their branches (canSeeOrAssigned);
 * - shared: every CRM user (any role but none), in every branch (master data);
 * - admin: administrators only;
 * - a function: the subject's own rule (e.g. contacts, whose team is their salesperson's).
 */
export type ReadRule = 'scoped' | 'shared' | 'admin' | ((persona: Persona, fixture: Fixture, setup: MatrixSetup) => boolean);

/** What a persona got from one operation. */
export type Observation =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'count'; value: number }
  | { kind: 'sum'; value: number }
  | { kind: 'write'; allowedIds: string[] };

export interface MatrixContext {
  stack: Stack;
  /** The gateway as this persona. */
  api: GraphQLClient;
  /** A subgraph directly as this persona (for _entities). */
  subgraph(name: Parameters<Stack['subgraph']>[0]): GraphQLClient;
  persona: Persona;
  fixtures: Fixture[];
  /** The gateway as a head-office administrator (to check that refused writes changed nothing). */
  admin: GraphQLClient;
  setup: MatrixSetup;
}

export interface Operation {
  name: OperationName;
  /** For writes: who may write a record they can read (default: same as reading). */
  write?: (persona: Persona, fixture: Fixture) => boolean;
  /** For sums: the fixture measure summed (default `amount`). */
  measure?: string;
  /**
   * The records the operation reports on, whoever asks (e.g. a forecast covers open
   * opportunities only): the expectation is the readable fixtures it covers. Default: all.
   */
  covers?: (fixture: Fixture) => boolean;
  run(ctx: MatrixContext): Promise<Observation>;
}

/** A known, explained gap: cells that leak today and are expected to, until `reason` is dealt with. */
export interface KnownGap {
  reason: string;
  cells: (cell: { operation: OperationName; persona: Persona }) => boolean;
}

export interface SeedContext {
  admin: GraphQLClient;
  personas: Persona[];
  stack: Stack;
  setup: MatrixSetup;
  /** The fixtures of the subjects seeded before this one, by subject name (reporting reuses them). */
  seeded: ReadonlyMap<string, Fixture[]>;
}

export interface Subject {
  name: string;
  readRule: ReadRule;
  /** Creates the fixture records (as a head-office administrator). */
  seed(ctx: SeedContext): Promise<Fixture[]>;
  operations: Operation[];
  /** Issue 8 operations this kind of record does not have, each with the reason. */
  notApplicable?: Partial<Record<BaseOperation, string>>;
  knownGaps?: KnownGap[];
}

export interface CellResult {
  cell: string;
  subject: string;
  operation: OperationName;
  persona: string;
  leaked: string[];
  missing: string[];
  /** What the persona got: fixture labels (reads, writes) or the number (count, sum). */
  observed: string[] | number;
  /** A count or sum that differs: what was expected / got. */
  numbers?: { expected: number; got: number };
  knownGap?: string;
}

/** Every issue-8 operation of a subject: run (its operation names) or not applicable (null: not named). */
export function coverage(subject: Subject): Record<BaseOperation, { run: OperationName[] } | { notApplicable: string } | null> {
  const result = {} as Record<BaseOperation, { run: OperationName[] } | { notApplicable: string } | null>;
  for (const op of ISSUE8_OPERATIONS) {
    const run = subject.operations.filter((o) => baseOperation(o.name) === op).map((o) => o.name);
    if (run.length) result[op] = { run };
    else if (subject.notApplicable?.[op]) result[op] = { notApplicable: subject.notApplicable[op]! };
    else result[op] = null;
  }
  return result;
}

function personaUser(id: string, role: Role, branch: MatrixBranch, team: string): AuthUser {
  return { id, role, branchIds: branch === 'HO' ? [] : [branch], teamIds: [team], tz: 'Asia/Makassar' };
}

/** The branches of seed 002 as head office registers them (contacts subgraph; their events reach the others). */
export const MATRIX_BRANCH_INPUTS: Record<DealerBranch, Record<string, string>> = {
  SAM01: { id: 'SAM01', name: 'SAMARINDA', countryCode: 'ID', timeZone: 'Asia/Makassar', workshopOpensAt: '08:00', workshopClosesAt: '16:00' },
  MAN01: { id: 'MAN01', name: 'MANADO', countryCode: 'ID', timeZone: 'Asia/Makassar', workshopOpensAt: '08:00', workshopClosesAt: '16:00' },
};

/**
 * Creates, through the gateway as the administrator: the two branches (contacts), one sales
 * team per persona branch (pipeline), and one user per role and branch (contacts), each a
 * member of their branch's team; signs the users' tokens.
 */
export async function prepareMatrix(stack: Stack, adminToken: string): Promise<MatrixSetup> {
  const admin = stack.client(adminToken);
  for (const input of Object.values(MATRIX_BRANCH_INPUTS)) {
    await admin.data(`mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id } } }`, { input });
  }
  const teams = {} as Record<MatrixBranch, string>;
  for (const branch of MATRIX_BRANCHES) {
    const created = await admin.data(`mutation($name: String!) { createSalesTeam(input: { name: $name, currency: "IDR" }) { salesTeam { id } } }`, {
      name: `Matrix ${branch}`,
    });
    teams[branch] = created.createSalesTeam.salesTeam.id;
  }
  const { salesTeams } = await admin.data(`{ salesTeams { id isDefault } }`);
  const noPersonaTeam = salesTeams.find((t: { isDefault: boolean }) => t.isDefault).id as string;
  const personas: Persona[] = [];
  const created = {} as Record<string, string>;
  for (const branch of MATRIX_BRANCHES) {
    for (const role of MATRIX_ROLES) {
      const user = await admin.data(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, {
        input: {
          login: `${role.replace('_', '-')}.${branch.toLowerCase()}@matrix.test`,
          name: `${role} ${branch}`,
          role: role.toUpperCase(),
          branchIds: branch === 'HO' ? [] : [branch],
          timeZone: 'Asia/Makassar',
        },
      });
      created[`${role}@${branch}`] = user.createUser.user.id;
    }
    // Membership is set on the sales team (the master); contacts follows it into the users' teamIds.
    await admin.data(`mutation($input: UpdateSalesTeamInput!) { updateSalesTeam(input: $input) { salesTeam { id } } }`, {
      input: { id: teams[branch], memberIds: MATRIX_ROLES.map((role) => created[`${role}@${branch}`]) },
    });
  }
  for (const branch of MATRIX_BRANCHES) {
    await eventually(async () => {
      const { users } = await admin.data(`query($t: ID!) { users(first: 100, filter: { teamId: $t }) { totalCount } }`, { t: teams[branch] });
      if (users.totalCount !== MATRIX_ROLES.length) throw new Error(`team ${branch}: ${users.totalCount} members in contacts so far`);
    });
  }
  for (const branch of MATRIX_BRANCHES) {
    for (const role of MATRIX_ROLES) {
      const key = `${role}@${branch}`;
      const user = personaUser(created[key]!, role, branch, teams[branch]);
      // The claims a login of this user would carry (read from the user row), signed after the membership landed.
      personas.push({ key, role, branch, user, token: await signAccessToken(user, '2h') });
    }
  }
  return { admin, personas, teams, noPersonaTeam };
}

export function personaOf(setup: Pick<MatrixSetup, 'personas'>, key: string): Persona {
  const persona = setup.personas.find((p) => p.key === key);
  if (!persona) throw new Error(`no persona ${key}`);
  return persona;
}

/** The ids a fixture's scope stands for (salesperson, team, branch), as subjects write them. */
export function scopeIds(setup: MatrixSetup, scope: FixtureScope): { salespersonId: string | null; teamId: string; branchId: string | null } {
  return {
    salespersonId: scope.owner === null ? null : personaOf(setup, scope.owner).user.id,
    teamId: scope.team === null ? setup.noPersonaTeam : setup.teams[scope.team],
    branchId: scope.branch,
  };
}

/** Whether a persona works in a branch (head office: every branch; a record without a branch is head office's). */
export function inBranches(persona: Persona, branch: string | null): boolean {
  return canSee({ ...persona.user, role: 'user_all' }, { branch });
}

/** Who may read one fixture, by the subject's rule. */
export function mayRead(subject: Subject, persona: Persona, fixture: Fixture, setup: MatrixSetup): boolean {
  if (persona.role === 'none') return false;
  const rule = subject.readRule;
  if (typeof rule === 'function') return rule(persona, fixture, setup);
  switch (rule) {
    case 'shared':
      return true;
    case 'admin':
      return persona.role === 'admin';
    case 'scoped': {
      const ids = scopeIds(setup, fixture.scope);
      const assignee = fixture.assignee == null ? null : personaOf(setup, fixture.assignee).user.id;
      return canSeeOrAssigned(persona.user, { owner: ids.salespersonId, team: fixture.scope.team === null ? null : ids.teamId, branch: ids.branchId, assignee });
    }
  }
}

/** GraphQL data as the harness reads it (shapes vary per subject). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Data = Record<string, any>;

/** A GraphQL answer's data, or null when it was refused (any error) — refusals reveal nothing. */
export function dataOrNull<T = Data>(result: GraphQLResponse<T>): T | null {
  return result.errors?.length ? null : (result.data ?? null);
}

/** The standard set of scopes for a scoped subject: per branch, owned by each kind of user, unassigned, and no team. */
export function standardScopes(): (FixtureScope & { label: string })[] {
  const scopes: (FixtureScope & { label: string })[] = [];
  for (const branch of ['SAM01', 'MAN01'] as const) {
    scopes.push(
      { label: `${branch} owned by user_own`, owner: `user_own@${branch}`, team: branch, branch },
      { label: `${branch} owned by user_team`, owner: `user_team@${branch}`, team: branch, branch },
      { label: `${branch} unassigned in team`, owner: null, team: branch, branch },
      { label: `${branch} unassigned, no team`, owner: null, team: null, branch },
    );
  }
  scopes.push({ label: 'head office, no branch', owner: null, team: 'HO', branch: null });
  return scopes;
}

/** Runs every cell; returns one result per cell (failing or not). */
export async function runMatrix(stack: Stack, setup: MatrixSetup, subjects: Subject[]): Promise<CellResult[]> {
  const { admin, personas } = setup;
  const results: CellResult[] = [];
  const seeded = new Map<string, Fixture[]>();
  for (const subject of subjects) {
    const fixtures = await subject.seed({ admin, personas, stack, setup, seeded });
    seeded.set(subject.name, fixtures);
    for (const persona of personas) {
      for (const operation of subject.operations) {
        const api = stack.client(persona.token);
        const ctx: MatrixContext = {
          stack,
          api,
          subgraph: (name) => new GraphQLClient(stack.subgraph(name).url, persona.token),
          persona,
          fixtures,
          admin,
          setup,
        };
        const observation = await operation.run(ctx);
        const readable = fixtures.filter((f) => (operation.covers ? operation.covers(f) : true) && mayRead(subject, persona, f, setup));
        const cell = `${subject.name} / ${operation.name} / ${persona.key}`;
        const label = (id: string) => fixtures.find((f) => f.id === id)?.label ?? id;
        const observed =
          observation.kind === 'ids' || observation.kind === 'write'
            ? (observation.kind === 'ids' ? observation.ids : observation.allowedIds).filter((id) => fixtures.some((f) => f.id === id)).map(label).sort()
            : observation.value;
        const result: CellResult = { cell, subject: subject.name, operation: operation.name, persona: persona.key, leaked: [], missing: [], observed };
        if (observation.kind === 'ids' || observation.kind === 'write') {
          const expected =
            observation.kind === 'write'
              ? readable.filter((f) => (operation.write ? operation.write(persona, f) : true))
              : readable;
          const got = new Set(observation.kind === 'ids' ? observation.ids : observation.allowedIds);
          const want = new Set(expected.map((f) => f.id));
          result.leaked = [...got].filter((id) => !want.has(id) && fixtures.some((f) => f.id === id)).map(label).sort();
          result.missing = [...want].filter((id) => !got.has(id)).map(label).sort();
        } else {
          const amount = (f: Fixture) => (operation.measure ? (f.amounts?.[operation.measure] ?? 0) : (f.amount ?? 0));
          const expected = observation.kind === 'count' ? readable.length : readable.reduce((sum, f) => sum + amount(f), 0);
          if (expected !== observation.value) {
            result.numbers = { expected, got: observation.value };
            // More than the rules allow is a leak; less is a loss.
            if (observation.value > expected) result.leaked = [`${observation.kind} ${observation.value} > ${expected}`];
            else result.missing = [`${observation.kind} ${observation.value} < ${expected}`];
          }
        }
        const gap = subject.knownGaps?.find((g) => g.cells({ operation: operation.name, persona }));
        if (gap) result.knownGap = gap.reason;
        results.push(result);
      }
    }
  }
  return results;
}

/** Failures to report: unexpected leaks or losses, and known gaps that no longer leak. */
export function matrixFailures(results: CellResult[]): string[] {
  const failures: string[] = [];
  for (const r of results) {
    const wrong = r.leaked.length > 0 || r.missing.length > 0;
    if (r.knownGap) {
      if (!wrong) failures.push(`${r.cell}: known gap no longer leaks ("${r.knownGap}") — remove it from the subject's knownGaps`);
      continue;
    }
    if (r.leaked.length) failures.push(`${r.cell}: leaked [${r.leaked.join(', ')}]`);
    if (r.missing.length) failures.push(`${r.cell}: missing [${r.missing.join(', ')}]`);
  }
  return failures;
}

// ---------------------------------------------------------------------------------------------
// Building blocks for subjects' operations.
// ---------------------------------------------------------------------------------------------

/** `query($id: ID!) { <field>(id: $id) { id } }` for every fixture: the ids that came back. */
export function readOne(field: string, name: OperationName = 'read one'): Operation {
  return {
    name,
    async run({ api, fixtures }) {
      const ids: string[] = [];
      for (const fixture of fixtures) {
        const data = dataOrNull(await api.request(`query($id: ID!) { item: ${field}(id: $id) { id } }`, { id: fixture.id }));
        if (data?.['item']?.id) ids.push(data['item'].id);
      }
      return { kind: 'ids', ids };
    },
  };
}

/** Every id of a connection (pages of 100). */
export function list(field: string, args = '', name: OperationName = 'list'): Operation {
  return {
    name,
    async run({ api }) {
      const ids: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page += 1) {
        const data: Data | null = dataOrNull(
          await api.request(`query($after: String) { c: ${field}(first: 100, after: $after${args ? `, ${args}` : ''}) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`, { after }),
        );
        if (!data) break;
        ids.push(...data['c'].edges.map((e: { node: { id: string } }) => e.node.id));
        if (!data['c'].pageInfo.hasNextPage) break;
        after = data['c'].pageInfo.endCursor;
      }
      return { kind: 'ids', ids };
    },
  };
}

/** A connection's totalCount (a refusal counts as 0: it reveals nothing). */
export function count(field: string, args = '', name: OperationName = 'count'): Operation {
  return {
    name,
    async run({ api }) {
      const data = dataOrNull(await api.request(`{ c: ${field}(first: 1${args ? `, ${args}` : ''}) { totalCount } }`));
      return { kind: 'count', value: data?.['c']?.totalCount ?? 0 };
    },
  };
}

/** Federation's `_entities` at the owning subgraph, for every fixture at once. */
export function entity(subgraph: Parameters<Stack['subgraph']>[0], typename: string, name: OperationName = 'entity'): Operation {
  return {
    name,
    async run(ctx) {
      const result = await ctx.subgraph(subgraph).request(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { id } } }`,
        { r: ctx.fixtures.map((f) => ({ __typename: typename, id: f.id })) },
      );
      const entities = (result.data?.['_entities'] ?? []) as ({ id: string } | null)[];
      return { kind: 'ids', ids: entities.filter((e): e is { id: string } => e !== null && typeof e.id === 'string').map((e) => e.id) };
    },
  };
}

/** Reads the versions of many records in one request (`v0: <field>(id: …) { version }` …); null when gone. */
export function versionsVia(field: string): (admin: GraphQLClient, ids: string[]) => Promise<Map<string, number | null>> {
  return async (admin, ids) => {
    const result = await admin.request(`{ ${ids.map((id, i) => `v${i}: ${field}(id: ${JSON.stringify(id)}) { version }`).join(' ')} }`);
    return new Map(ids.map((id, i) => [id, (result.data?.[`v${i}`]?.version as number | undefined) ?? null]));
  };
}

/**
 * A write on every fixture: `mutation(id)` as the persona; the fixtures it succeeded on. A
 * refused write must change nothing: the record's version (read as the administrator) must
 * not move.
 */
export function write(
  name: OperationName,
  mutation: (id: string) => { query: string; variables: Record<string, unknown> },
  versions: (admin: GraphQLClient, ids: string[]) => Promise<Map<string, number | null>>,
  mayWrite?: Operation['write'],
): Operation {
  return {
    name,
    write: mayWrite,
    async run({ api, admin, fixtures }) {
      const allowedIds: string[] = [];
      const before = await versions(admin, fixtures.map((f) => f.id));
      const refused: string[] = [];
      for (const fixture of fixtures) {
        const { query, variables } = mutation(fixture.id);
        const result = await api.request(query, variables);
        if (!result.errors?.length) allowedIds.push(fixture.id);
        else refused.push(fixture.id);
      }
      if (refused.length) {
        const after = await versions(admin, refused);
        // Refused but written anyway: that is a leak too.
        for (const id of refused) if (after.get(id) !== before.get(id)) allowedIds.push(id);
      }
      return { kind: 'write', allowedIds };
    },
  };
}

/**
 * A destructive write (delete, archive, cancel) — on a fresh copy of each fixture, so that the
 * fixtures stay for the other cells: `copy` creates a record with the fixture's scope (as the
 * administrator), `mutation` runs as the persona, `done` tells (as the administrator) which
 * copies are gone / archived / cancelled, `cleanup` removes the copies that are left.
 */
export function destroy(
  name: OperationName,
  options: {
    copy(ctx: MatrixContext, fixture: Fixture): Promise<string>;
    mutation(id: string): { query: string; variables: Record<string, unknown> };
    done(admin: GraphQLClient, ids: string[]): Promise<Set<string>>;
    cleanup(admin: GraphQLClient, ids: string[]): Promise<void>;
    mayWrite?: Operation['write'];
  },
): Operation {
  return {
    name,
    write: options.mayWrite,
    async run(ctx) {
      const copies = new Map<string, string>();
      for (const fixture of ctx.fixtures) copies.set(await options.copy(ctx, fixture), fixture.id);
      const refused: string[] = [];
      const allowed: string[] = [];
      for (const copy of copies.keys()) {
        const { query, variables } = options.mutation(copy);
        const result = await ctx.api.request(query, variables);
        (result.errors?.length ? refused : allowed).push(copy);
      }
      const doneAnyway = refused.length ? await options.done(ctx.admin, refused) : new Set<string>();
      // Refused but done anyway: that is a leak too.
      const allowedIds = [...allowed, ...refused.filter((id) => doneAnyway.has(id))].map((copy) => copies.get(copy)!);
      const left = refused.filter((id) => !doneAnyway.has(id));
      if (left.length) await options.cleanup(ctx.admin, left);
      return { kind: 'write', allowedIds };
    },
  };
}

/** Sums a number over several aliased fields of one request (a refusal or a missing part counts 0). */
export function sumOf(values: unknown[]): number {
  return values.reduce<number>((sum, v) => sum + (v === null || v === undefined ? 0 : Number(v)), 0);
}

/** Retries a setup step until the events it depends on have arrived (projections are eventually consistent). */
export function whenProjected<T>(step: () => Promise<T>): Promise<T> {
  return eventually(step, 20_000, 200);
}
