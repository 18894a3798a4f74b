import { readFileSync } from 'node:fs';
import { composeSupergraph } from '../src/compose';
import { SUPERGRAPH_PATH } from '../src/subgraphs';

describe('supergraph', () => {
  it('the checked-in supergraph.graphql equals a fresh composition of the subgraph schemas', () => {
    // On failure: npm run compose:supergraph
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });
});
