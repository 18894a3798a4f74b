/**
 * The access matrix: every role × branch × operation × subject, as data. Each cell runs one
 * operation as one persona and compares what the persona got with what the access rules say
 * it may get (`canSee` of libs/auth, or the subject's own rule), naming the cell that fails:
 *
 *   pipeline.opportunity / list / user_own@SAM01: leaked [opp MAN01 unassigned]
 *
 * A subject is one kind of record in one subgraph (contacts.contact, pipeline.opportunity …):
 * how to create fixture records with a given owner/team/branch, and its operations (read one,
 * list, count, sum, update, delete, export, entity resolution). Adding a subgraph to the matrix
 * = adding a subject (see tests/e2e/test/access-matrix.spec.ts and libs/auth/README.md).
 */
import { canSee, signAccessToken, type AuthUser, type Role } from '@crm/auth';
import { GraphQLClient, type GraphQLResponse, type Stack } from '@crm/testing';

export const MATRIX_ROLES: Role[] = ['none', 'user_own', 'user_team', 'user_all', 'admin'];
/** Two dealer branches of seed 002, and head office (no branch: sees every branch). */
export const MATRIX_BRANCHES = ['SAM01', 'MAN01', 'HO'] as const;
export type MatrixBranch = (typeof MATRIX_BRANCHES)[number];

/** One sales team per branch (ids only: teams live in the pipeline subgraph). */
export const MATRIX_TEAMS: Record<MatrixBranch, string> = {
  SAM01: '01934d6e-0000-7000-8000-00000000a5a1',
  MAN01: '01934d6e-0000-7000-8000-00000000a3a1',
  HO: '01934d6e-0000-7000-8000-00000000a0a1',
};

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
  team: MatrixBranch | null;
  branch: Exclude<MatrixBranch, 'HO'> | null;
}

export interface Fixture {
  id: string;
  label: string;
  scope: FixtureScope;
  /** An amount the subject sums (e.g. expected revenue), when it has one. */
  amount?: number;
}

/**
 * Who may read a subject's records:
 * - scoped: the record rule of libs/auth (owner / team / branch, per access group);
 * - shared: every CRM user (any role but none), in every branch (master data);
 * - admin: administrators only.
 */
export type ReadRule = 'scoped' | 'shared' | 'admin';

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
}

export type OperationName = 'read one' | 'list' | 'count' | 'sum' | 'update' | 'delete' | 'export' | 'entity';

export interface Operation {
  name: OperationName;
  /** For writes: who may write a record they can read (default: same as reading). */
  write?: (persona: Persona, fixture: Fixture) => boolean;
  run(ctx: MatrixContext): Promise<Observation>;
}

/** A known, explained gap: cells that leak today and are expected to, until `reason` is dealt with. */
export interface KnownGap {
  reason: string;
  cells: (cell: { operation: OperationName; persona: Persona }) => boolean;
}

export interface Subject {
  name: string;
  readRule: ReadRule;
  /** Creates the fixture records (as a head-office administrator). */
  seed(ctx: { admin: GraphQLClient; personas: Persona[]; stack: Stack }): Promise<Fixture[]>;
  operations: Operation[];
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

function personaUser(id: string, role: Role, branch: MatrixBranch): AuthUser {
  return { id, role, branchIds: branch === 'HO' ? [] : [branch], teamIds: [MATRIX_TEAMS[branch]], tz: 'Asia/Jakarta' };
}

/** Creates one user per role and branch (through the API, as the administrator) and signs their tokens. */
export async function createPersonas(admin: GraphQLClient): Promise<Persona[]> {
  const personas: Persona[] = [];
  for (const branch of MATRIX_BRANCHES) {
    for (const role of MATRIX_ROLES) {
      const key = `${role}@${branch}`;
      const created = await admin.data(
        `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`,
        {
          input: {
            login: `${role.replace('_', '-')}.${branch.toLowerCase()}@matrix.test`,
            name: `${role} ${branch}`,
            role: role.toUpperCase(),
            branchIds: branch === 'HO' ? [] : [branch],
            teamIds: [MATRIX_TEAMS[branch]],
          },
        },
      );
      const user = personaUser(created.createUser.user.id, role, branch);
      // The claims a login of this user would carry (read from the user row).
      personas.push({ key, role, branch, user, token: await signAccessToken(user, '1h') });
    }
  }
  return personas;
}

/** Who may read one fixture, by the subject's rule. */
export function mayRead(subject: Subject, persona: Persona, fixture: Fixture, personas: Persona[]): boolean {
  if (persona.role === 'none') return false;
  switch (subject.readRule) {
    case 'shared':
      return true;
    case 'admin':
      return persona.role === 'admin';
    case 'scoped': {
      const ownerId = fixture.scope.owner === null ? null : (personas.find((p) => p.key === fixture.scope.owner)?.user.id ?? null);
      return canSee(persona.user, {
        owner: ownerId,
        team: fixture.scope.team === null ? null : MATRIX_TEAMS[fixture.scope.team],
        branch: fixture.scope.branch,
      });
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

export interface MatrixSetup {
  /** The gateway as a head-office administrator. */
  admin: GraphQLClient;
  personas: Persona[];
}

/** The personas (one user per role and branch), created once per stack. */
export async function prepareMatrix(stack: Stack, adminToken: string): Promise<MatrixSetup> {
  const admin = stack.client(adminToken);
  return { admin, personas: await createPersonas(admin) };
}

/** Runs every cell; returns one result per cell (failing or not). */
export async function runMatrix(stack: Stack, setup: MatrixSetup, subjects: Subject[]): Promise<CellResult[]> {
  const { admin, personas } = setup;
  const results: CellResult[] = [];
  for (const subject of subjects) {
    const fixtures = await subject.seed({ admin, personas, stack });
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
        };
        const observation = await operation.run(ctx);
        const readable = fixtures.filter((f) => mayRead(subject, persona, f, personas));
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
          const expected = observation.kind === 'count' ? readable.length : readable.reduce((sum, f) => sum + (f.amount ?? 0), 0);
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
export function readOne(field: string): Operation {
  return {
    name: 'read one',
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
export function list(field: string, args = ''): Operation {
  return {
    name: 'list',
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
export function count(field: string, args = ''): Operation {
  return {
    name: 'count',
    async run({ api }) {
      const data = dataOrNull(await api.request(`{ c: ${field}(first: 1${args ? `, ${args}` : ''}) { totalCount } }`));
      return { kind: 'count', value: data?.['c']?.totalCount ?? 0 };
    },
  };
}

/** Federation's `_entities` at the owning subgraph, for every fixture at once. */
export function entity(subgraph: Parameters<Stack['subgraph']>[0], typename: string): Operation {
  return {
    name: 'entity',
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

/**
 * A write on every fixture: `mutation(id)` as the persona; the fixtures it succeeded on. A
 * refused write must change nothing: `version(id)` (read as the administrator) must not move.
 */
export function write(
  name: 'update' | 'delete',
  mutation: (id: string) => { query: string; variables: Record<string, unknown> },
  version: (admin: GraphQLClient, id: string) => Promise<number | null>,
  mayWrite?: Operation['write'],
): Operation {
  return {
    name,
    write: mayWrite,
    async run({ api, admin, fixtures }) {
      const allowedIds: string[] = [];
      for (const fixture of fixtures) {
        const before = await version(admin, fixture.id);
        const { query, variables } = mutation(fixture.id);
        const result = await api.request(query, variables);
        if (!result.errors?.length) {
          allowedIds.push(fixture.id);
          continue;
        }
        const after = await version(admin, fixture.id);
        if (after !== before) allowedIds.push(fixture.id); // refused but written anyway: that is a leak too
      }
      return { kind: 'write', allowedIds };
    },
  };
}
