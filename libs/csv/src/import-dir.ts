import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { GraphQLError } from 'graphql';

function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

/**
 * A file named by an API caller, inside the service's import directory, or BAD_USER_INPUT
 * (`field`): no other file of the server can be read (`..`, absolute paths and symbolic links
 * leading out are refused).
 */
export function importFilePath(importDir: string, path: string, field = 'path'): string {
  const dir = resolve(importDir);
  const full = resolve(dir, path);
  let real: string;
  try {
    real = realpathSync(full);
    if (!statSync(real).isFile()) throw new Error('not a file');
  } catch {
    throw badInput(field, `${path} is not a file of the import directory`);
  }
  const realDir = (() => {
    try {
      return realpathSync(dir);
    } catch {
      return dir;
    }
  })();
  if (!real.startsWith(realDir + sep)) throw badInput(field, `${path} is outside the import directory`);
  return real;
}
