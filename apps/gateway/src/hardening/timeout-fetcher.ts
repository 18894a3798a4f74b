import { GraphQLError } from 'graphql';

/**
 * The gateway's fetch to a subgraph, abandoned after `timeoutMs` (AbortSignal.timeout): a slow
 * subgraph costs the caller a typed SUBGRAPH_TIMEOUT error, not a hung request.
 */
export function timeoutFetcher(serviceName: string, timeoutMs: number) {
  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, { ...init, signal });
      // Read the body under the same deadline, then hand it over complete.
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new GraphQLError(`the ${serviceName} service did not answer within ${timeoutMs} ms`, {
          extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName, timeoutMs },
        });
      }
      throw new GraphQLError(`the ${serviceName} service is not reachable`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName } });
    }
  };
}
