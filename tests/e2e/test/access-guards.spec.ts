import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  GraphQLUnionType,
  Kind,
  getNamedType,
  isLeafType,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import type { Role } from '@crm/auth';
import { GraphQLClient, createTestEnv, startStack, testToken, type Stack, type TestEnv } from '@crm/testing';
import { ALL_MODULES } from '../src/full-stack';

/**
 * Issue 8, libs/auth rule 1 checked over every root field of every subgraph, not over a chosen
 * list: access group `none` gets FORBIDDEN from everything but the few fields about the caller
 * themself, and configuration mutations are FORBIDDEN to every non-administrator. Each field is
 * called with made-up values for its required arguments (the guard must come before any
 * validation or lookup, so "none" learns nothing from the error either).
 */

/** Root fields any signed-in user may call, `none` included (libs/auth: requireSession), and federation's. */
const SESSION_FIELDS = new Set(['Query.me', 'Mutation.changeMyPassword', 'Mutation.login', 'Mutation.refreshToken', 'Mutation.logout', 'Query._service', 'Query._entities']);

/** Configuration (libs/auth README: teams, stages, lost reasons, tags, activity types, process rules, users …): administrators only. */
const CONFIGURATION = /^(create|update|archive|restore|delete|set|configure|reorder|move|add|remove|deactivate|reactivate)\w*(Team|Pipeline|Stage|LostReason|Tag|ActivityType|ReminderRule|Occupation|User|UserAccess|UserPassword|Branch|BranchRole|Product|Tax|PriceList|CurrencyRate|FollowUpMonitoring)s?$/;

/** Other administrator-only operations: deletes (others archive), rebuilding scores, re-running rules over every record. */
const ADMIN_OPERATIONS = new Set(['deleteOpportunity', 'rebuildLeadScoring', 'applyReminderRules']);
const adminOnly = (field: string) => {
  const name = field.split('.')[1]!;
  return field.startsWith('Mutation.') && field !== 'Mutation.updateUser' && (CONFIGURATION.test(name) || ADMIN_OPERATIONS.has(name));
};

const UUID = '01934d6e-0000-7000-8000-00000000beef';

function sample(type: GraphQLInputType, depth = 0): unknown {
  if (type instanceof GraphQLNonNull) return sample(type.ofType, depth);
  if (type instanceof GraphQLList) return [sample(type.ofType, depth)];
  if (type instanceof GraphQLEnumType) return type.getValues()[0]!.value;
  if (type instanceof GraphQLInputObjectType) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (field.type instanceof GraphQLNonNull && depth < 5) value[field.name] = sample(field.type, depth + 1);
    }
    return value;
  }
  const scalar = (type as GraphQLScalarType).name;
  return (
    { ID: UUID, String: 'x', Int: 1, Float: 1, Boolean: true, Decimal: '1', Date: '2026-12-07', DateTime: '2026-12-07T00:00:00Z' } as Record<string, unknown>
  )[scalar] ?? 'x';
}

/** One operation calling `field` with made-up required arguments. */
function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const required = field.args.filter((a: GraphQLArgument) => a.type instanceof GraphQLNonNull);
  const variables = Object.fromEntries(required.map((a) => [a.name, sample(a.type)]));
  const definitions = required.length ? `(${required.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')})` : '';
  const args = required.length ? `(${required.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return { query: `${kind}${definitions} { ${field.name}${args}${selection} }`, variables };
}

interface Call {
  subgraph: string;
  field: string;
  kind: 'query' | 'mutation';
  operation: { query: string; variables: Record<string, unknown> };
}

/** Types a subgraph only references (`@key(…, resolvable: false)`): it never resolves them, the stub echoes the id given. */
function referenceOnly(typeDefs: DocumentNode): Set<string> {
  const names = new Set<string>();
  for (const d of typeDefs.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const key = d.directives?.find((k) => k.name.value === 'key');
    const resolvable = key?.arguments?.find((a) => a.name.value === 'resolvable');
    if (resolvable && resolvable.value.kind === Kind.BOOLEAN && !resolvable.value.value) names.add(d.name.value);
  }
  return names;
}

/** `_entities` for each entity type a subgraph resolves (its `_Entity` union, reference-only stubs aside). */
function entityCalls(): Call[] {
  const calls: Call[] = [];
  for (const module of ALL_MODULES) {
    const entity = buildSubgraphSchema([{ typeDefs: module.typeDefs }]).getType('_Entity');
    if (!(entity instanceof GraphQLUnionType)) continue;
    const stubs = referenceOnly(module.typeDefs);
    for (const type of entity.getTypes().filter((t) => !stubs.has(t.name))) {
      calls.push({
        subgraph: module.name,
        field: `_entities(${type.name})`,
        kind: 'query',
        operation: {
          query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
          variables: { r: [{ __typename: type.name, id: UUID }] },
        },
      });
    }
  }
  return calls;
}

function rootCalls(): Call[] {
  const calls: Call[] = [];
  for (const module of ALL_MODULES) {
    const schema = buildSubgraphSchema([{ typeDefs: module.typeDefs }]);
    for (const [kind, root] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ] as ['query' | 'mutation', GraphQLObjectType | null][]) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        calls.push({ subgraph: module.name, field: `${root!.name}.${field.name}`, kind, operation: operationFor(kind, field) });
      }
    }
  }
  return calls;
}

describe('every root field of every subgraph is guarded (libs/auth rule 1)', () => {
  let env: TestEnv;
  let stack: Stack;
  const calls = rootCalls();
  const entities = entityCalls();

  beforeAll(async () => {
    env = await createTestEnv('guards');
    stack = await startStack({ env, modules: ALL_MODULES });
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  async function codeOf(call: Call, role: Role): Promise<string> {
    const client = new GraphQLClient(stack.subgraph(call.subgraph as never).url, await testToken({ role, branchIds: ['SAM01'] }));
    const result = await client.request(call.operation.query, call.operation.variables);
    const code = result.errors?.[0]?.extensions?.['code'];
    return typeof code === 'string' ? code : result.errors ? `error: ${result.errors[0]!.message}` : 'answered';
  }

  it('has found the root fields (sanity: the sweep is not empty)', () => {
    expect(calls.length).toBeGreaterThan(100);
    expect(calls.filter((c) => adminOnly(c.field)).length).toBeGreaterThan(30);
  });

  it('answers FORBIDDEN to access group none from every root field but the caller’s own (me, changeMyPassword) and the public ones', async () => {
    const wrong: string[] = [];
    for (const call of calls.filter((c) => !SESSION_FIELDS.has(c.field))) {
      const code = await codeOf(call, 'none');
      if (code !== 'FORBIDDEN') wrong.push(`${call.subgraph} ${call.field}: ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers FORBIDDEN to access group none when resolving any entity (__resolveReference)', async () => {
    expect(entities.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const call of entities) {
      const code = await codeOf(call, 'none');
      if (code !== 'FORBIDDEN') wrong.push(`${call.subgraph} ${call.field}: ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers FORBIDDEN to every non-administrator from every configuration mutation, delete and rebuild', async () => {
    const wrong: string[] = [];
    for (const call of calls.filter((c) => adminOnly(c.field))) {
      for (const role of ['user_own', 'user_team', 'user_all'] as Role[]) {
        const code = await codeOf(call, role);
        if (code !== 'FORBIDDEN') wrong.push(`${call.subgraph} ${call.field} as ${role}: ${code}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
