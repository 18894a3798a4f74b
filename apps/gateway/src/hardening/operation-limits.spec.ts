import { buildSchema, parse, Kind, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { checkOperation, measureOperation, DEFAULT_OPERATION_LIMITS } from './operation-limits';

const schema = buildSchema(`
  type Query { contacts(first: Int = 20, after: String): ContactConnection! contact(id: ID!): Contact tags: [Tag!]! }
  type Mutation { createContact(name: String!): Payload! }
  type Payload { contact: Contact! }
  type ContactConnection { edges: [ContactEdge!]! totalCount: Int! }
  type ContactEdge { node: Contact! }
  type Contact { id: ID! name: String! parent: Contact children(first: Int = 10): ContactConnection! tags: [Tag!]! }
  type Tag { name: String! }
`);

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return measureOperation(schema, operation, fragments, variables);
}

describe('operation limits', () => {
  it('measures depth through fragments and inline fragments', () => {
    expect(measure('{ contact(id: 1) { name } }').depth).toBe(2);
    expect(measure('{ contact(id: 1) { parent { parent { ...P } } } } fragment P on Contact { parent { ... on Contact { name } } }').depth).toBe(5);
    expect(measure('{ __schema { types { fields { type { ofType { name } } } } } }').depth).toBe(0);
  });

  it('counts aliases and directives', () => {
    const m = measure('{ a: contact(id: 1) { n: name @include(if: true) } b: contact(id: 2) { name @skip(if: false) } }');
    expect(m.aliases).toBe(3);
    expect(m.directives).toBe(2);
  });

  it('multiplies a paginated subtree by first (literal, variable or default), unbounded lists by 10', () => {
    // contacts (1) + 100 × (edges 1 + node 1 + parent 1)
    expect(measure('{ contacts(first: 100) { edges { node { name parent { name } } } } }').cost).toBe(301);
    expect(measure('query($n: Int) { contacts(first: $n) { edges { node { name } } } }', { n: 50 }).cost).toBe(101);
    expect(measure('{ contacts { edges { node { name } } } }').cost).toBe(41);
    // contacts(100) × children(100) × 10 tags each
    expect(measure('{ contacts(first: 100) { edges { node { children(first: 100) { edges { node { tags { name } } } } } } } }').cost).toBe(
      1 + 100 * (1 + 1 + 1 + 100 * (1 + 1 + 1 * 1 * 10)),
    );
    expect(measure('{ tags { name } }').cost).toBe(10);
    expect(measure('{ contacts(first: 10) { totalCount } }').cost).toBe(1);
  });

  it('charges mutations 10 each', () => {
    expect(measure('mutation { a: createContact(name: "A") { contact { id } } b: createContact(name: "B") { contact { id } } }').cost).toBe(22);
  });

  it('reports the first limit broken as a typed error', () => {
    const limits = { ...DEFAULT_OPERATION_LIMITS, maxDepth: 3, maxAliases: 1, maxCost: 100 };
    expect(checkOperation({ depth: 4, aliases: 0, directives: 0, cost: 0 }, limits)?.extensions).toMatchObject({ code: 'DEPTH_LIMIT_EXCEEDED', limit: 3, actual: 4 });
    expect(checkOperation({ depth: 1, aliases: 2, directives: 0, cost: 0 }, limits)?.extensions).toMatchObject({ code: 'ALIAS_LIMIT_EXCEEDED' });
    expect(checkOperation({ depth: 1, aliases: 0, directives: 51, cost: 0 }, limits)?.extensions).toMatchObject({ code: 'DIRECTIVE_LIMIT_EXCEEDED' });
    expect(checkOperation({ depth: 1, aliases: 0, directives: 0, cost: 101 }, limits)?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', http: { status: 400 } });
    expect(checkOperation({ depth: 3, aliases: 1, directives: 50, cost: 100 }, limits)).toBeNull();
  });
});
