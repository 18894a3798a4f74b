import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS, SUBGRAPH_NAMES, envString, type SubgraphName } from '@crm/runtime';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
/** apps/gateway/supergraph.graphql; in a built bundle it sits beside main.js. */
export const SUPERGRAPH_PATH = existsSync(join(__dirname, 'supergraph.graphql'))
  ? join(__dirname, 'supergraph.graphql')
  : join(__dirname, '..', 'supergraph.graphql');

export function schemaPathOf(name: SubgraphName): string {
  return join(REPO_ROOT, 'apps', name, 'src', 'schema.graphql');
}

/** The routing URL written into the supergraph: the local default port of each subgraph. */
export function defaultUrlOf(name: SubgraphName): string {
  return `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`;
}

/** Where the gateway sends a subgraph's requests: `<NAME>_URL` or the default. */
export function subgraphUrlsFromEnv(): Record<SubgraphName, string> {
  return Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, envString(`${name.toUpperCase()}_URL`, defaultUrlOf(name))]),
  ) as Record<SubgraphName, string>;
}
