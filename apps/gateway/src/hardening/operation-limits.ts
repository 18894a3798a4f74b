import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The gateway's limits per operation (see apps/gateway/README.md for the cost model). */
export interface OperationLimits {
  /** Deepest nesting of fields; root fields are depth 1. */
  maxDepth: number;
  /** Aliased fields in one operation (aliases multiply work for free). */
  maxAliases: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /** Estimated cost (see `operationCost`). */
  maxCost: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = { maxDepth: 10, maxAliases: 100, maxDirectives: 50, maxCost: 5000 };

/**
 * Cost model: each object costs 1, a scalar 0, a mutation root field 10. A field with a
 * `first`/`last` argument (a connection) multiplies its subtree by that page size (its default
 * when not given); a plain list of objects counts as `unboundedList` objects.
 */
export const COST = {
  object: 1,
  scalar: 0,
  mutation: 10,
  /** A list without a `first`/`last` argument is assumed to hold this many items. */
  unboundedList: 10,
} as const;

export interface OperationMeasures {
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
}

type Fragments = Record<string, FragmentDefinitionNode>;

function pageSize(field: GraphQLField<unknown, unknown>, args: readonly { name: { value: string }; value: import('graphql').ValueNode }[], variables: Record<string, unknown>): number | null {
  for (const name of ['first', 'last']) {
    const definition = field.args.find((a) => a.name === name);
    if (!definition) continue;
    const given = args.find((a) => a.name.value === name);
    const value = given ? valueFromASTUntyped(given.value, variables) : definition.defaultValue;
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;
  }
  return null;
}

/**
 * Measures one operation against the schema: depth, aliases, directives and estimated cost.
 * Introspection fields (`__schema`, `__type`) are not counted (introspection is off in production).
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Record<string, unknown> = {},
): OperationMeasures {
  let aliases = 0;
  let directives = 0;
  const rootType =
    operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  directives += operation.directives?.length ?? 0;

  // Aliases and directives are counted per occurrence in the document, fragments once per spread.
  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType | null | undefined,
    depth: number,
    isRoot: boolean,
    parentPaginated: boolean,
    visiting: Set<string>,
  ): { depth: number; cost: number } => {
    let maxDepth = depth - 1;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        if (!field) continue; // unknown fields fail validation; nothing to measure
        const nullable = getNullableType(field.type);
        const named = getNamedType(field.type);
        const size = pageSize(field, selection.arguments ?? [], variables);
        // A paginated field (a connection) returns one object whose subtree repeats `first` times;
        // a plain list repeats itself and its subtree (the edges of a connection: once, already counted).
        const listSize = isListType(nullable) ? (parentPaginated ? 1 : COST.unboundedList) : 1;
        const own = isRoot && operation.operation === 'mutation' ? COST.mutation : isCompositeType(named) ? COST.object : COST.scalar;
        let childCost = 0;
        let childDepth = depth;
        if (selection.selectionSet && isCompositeType(named)) {
          const child = walk(selection.selectionSet, named, depth + 1, false, size !== null, visiting);
          childCost = child.cost;
          childDepth = Math.max(depth, child.depth);
        }
        maxDepth = Math.max(maxDepth, childDepth);
        cost += size !== null ? own + size * childCost : listSize * (own + childCost);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
        const inner = walk(selection.selectionSet, type, depth, isRoot, parentPaginated, visiting);
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || visiting.has(fragment.name.value)) continue;
        directives += fragment.directives?.length ?? 0;
        const type = schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined;
        visiting.add(fragment.name.value);
        const inner = walk(fragment.selectionSet, type, depth, isRoot, parentPaginated, visiting);
        visiting.delete(fragment.name.value);
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
      }
    }
    return { depth: maxDepth, cost };
  };

  const measured = walk(operation.selectionSet, rootType, 1, true, false, new Set());
  return { depth: measured.depth, aliases, directives, cost: measured.cost };
}

function limitError(code: string, message: string, limit: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, actual, http: { status: 400 } } });
}

/** The first limit the operation breaks, as a typed error (or null). */
export function checkOperation(measures: OperationMeasures, limits: OperationLimits): GraphQLError | null {
  if (measures.depth > limits.maxDepth) {
    return limitError('DEPTH_LIMIT_EXCEEDED', `query depth ${measures.depth} exceeds the limit of ${limits.maxDepth}`, limits.maxDepth, measures.depth);
  }
  if (measures.aliases > limits.maxAliases) {
    return limitError('ALIAS_LIMIT_EXCEEDED', `${measures.aliases} aliases exceed the limit of ${limits.maxAliases}`, limits.maxAliases, measures.aliases);
  }
  if (measures.directives > limits.maxDirectives) {
    return limitError('DIRECTIVE_LIMIT_EXCEEDED', `${measures.directives} directives exceed the limit of ${limits.maxDirectives}`, limits.maxDirectives, measures.directives);
  }
  if (measures.cost > limits.maxCost) {
    return limitError('COST_LIMIT_EXCEEDED', `query cost ${measures.cost} exceeds the limit of ${limits.maxCost}`, limits.maxCost, measures.cost);
  }
  return null;
}
