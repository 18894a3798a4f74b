import type { ApolloServerPlugin, BaseContext as ApolloBaseContext } from '@apollo/server';
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ServiceName } from '@crm/auth';

/** Root fields any admitted caller may use without a user: federation's and introspection's. */
const ALWAYS_PUBLIC = new Set(['_service', '__typename', '__schema', '__type']);

/** The root fields an operation selects (through fragments and inline fragments). */
export function rootFieldsOf(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  const fields: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFieldsOf(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      if (fragment) fields.push(...rootFieldsOf(fragment.selectionSet, fragments, seen));
    }
  }
  return fields;
}

/**
 * A request admitted by a service token alone (no user) may only touch federation/introspection
 * fields and the module's public operations (e.g. `Mutation.login`); anything else is refused
 * before it runs, whatever the resolvers would have done.
 */
export function serviceOnlyGuard<Ctx extends ApolloBaseContext & { user: unknown; service?: ServiceName | null }>(
  publicOperations: readonly string[],
): ApolloServerPlugin<Ctx> {
  const allowed = new Set(publicOperations);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document }) {
          if (contextValue.user || !operation) return;
          const rootType = operation.operation === 'mutation' ? 'Mutation' : operation.operation === 'subscription' ? 'Subscription' : 'Query';
          const fragments = Object.fromEntries(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
          );
          const refused = rootFieldsOf(operation.selectionSet, fragments).filter((f) => !ALWAYS_PUBLIC.has(f) && !allowed.has(`${rootType}.${f}`));
          if (refused.length > 0) {
            throw new GraphQLError(`authentication required for ${refused.map((f) => `${rootType}.${f}`).join(', ')}`, {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
      };
    },
  };
}
