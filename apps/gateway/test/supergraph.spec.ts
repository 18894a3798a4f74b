import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { composeSchemas, composeSupergraph } from '../src/compose';
import { SUPERGRAPH_PATH } from '../src/subgraphs';

describe('supergraph', () => {
  it('the checked-in supergraph.graphql equals a fresh composition of the subgraph schemas', () => {
    // On failure: npm run compose:supergraph
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });

  it('refuses a composition that would silently drop an input field of a same-named input type', () => {
    const subgraph = (name: string, field: string) => ({
      name,
      url: `http://127.0.0.1/${name}`,
      typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
        input Filter { shared: String ${field}: String }
        type Query { ${name}(filter: Filter): String }`),
    });
    expect(() => composeSchemas([subgraph('a', 'text'), subgraph('b', 'code')])).toThrow(/would drop fields[\s\S]*Filter/);
  });
});
