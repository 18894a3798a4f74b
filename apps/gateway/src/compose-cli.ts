import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { composeSupergraph } from './compose';
import { REPO_ROOT, SUPERGRAPH_PATH } from './subgraphs';

/** `npm run compose:supergraph` writes the file; `-- --check` fails when it is out of date. */
const check = process.argv.includes('--check');
const fresh = composeSupergraph();
const path = relative(REPO_ROOT, SUPERGRAPH_PATH);
if (check) {
  const current = readFileSync(SUPERGRAPH_PATH, 'utf8');
  if (current !== fresh) {
    console.error(`${path} is out of date: run npm run compose:supergraph`);
    process.exit(1);
  }
  console.log(`${path} is up to date`);
} else {
  writeFileSync(SUPERGRAPH_PATH, fresh);
  console.log(`wrote ${path}`);
}
