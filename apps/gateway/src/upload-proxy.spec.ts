import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UPLOAD_ROUTES, routingUrlOf } from './upload-proxy';

describe('upload routes', () => {
  it('find the owning subgraph’s routing URL in the supergraph', () => {
    const sdl = readFileSync(join(__dirname, '..', 'supergraph.graphql'), 'utf8');
    for (const { subgraph } of UPLOAD_ROUTES) expect(routingUrlOf(sdl, subgraph)).toMatch(/^https?:\/\/.+\/graphql$/);
    expect(routingUrlOf(sdl, 'contacts')).toBe('http://127.0.0.1:4001/graphql');
    expect(routingUrlOf(sdl, 'nope')).toBeUndefined();
  });
});
