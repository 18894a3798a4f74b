import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, type FragmentDefinitionNode } from 'graphql';
import { checkOperation, measureOperation, type OperationLimits } from './operation-limits';

/**
 * Refuses an operation over the depth, alias, directive or cost limit after it is parsed and
 * validated and before the gateway plans or sends anything to a subgraph. (Document size is
 * bounded earlier by the parser's token limit, and the request body by the HTTP server.)
 */
export function operationLimitsPlugin<Ctx extends BaseContext>(limits: OperationLimits, onMeasured?: (cost: number) => void): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return;
          const fragments = Object.fromEntries(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
          );
          const measures = measureOperation(schema, operation, fragments, request.variables ?? {});
          onMeasured?.(measures.cost);
          const error = checkOperation(measures, limits);
          if (error) throw error;
        },
      };
    },
  };
}
