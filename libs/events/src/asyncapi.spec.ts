import { readFileSync } from 'node:fs';
import { buildAsyncApi } from './asyncapi';
import { ASYNCAPI_PATH } from './asyncapi-cli';

describe('AsyncAPI document', () => {
  it('the checked-in asyncapi.json lists exactly the event catalog (npm run events:asyncapi)', () => {
    expect(JSON.parse(readFileSync(ASYNCAPI_PATH, 'utf8'))).toEqual(buildAsyncApi());
  });
});
