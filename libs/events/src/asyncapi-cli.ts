import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApi } from './asyncapi';

/** `npm run events:asyncapi` writes libs/events/asyncapi.json from the event catalog. */
export const ASYNCAPI_PATH = join(__dirname, '..', 'asyncapi.json');

if (require.main === module) {
  writeFileSync(ASYNCAPI_PATH, `${JSON.stringify(buildAsyncApi(), null, 2)}\n`);
  console.log(`wrote ${ASYNCAPI_PATH}`);
}
