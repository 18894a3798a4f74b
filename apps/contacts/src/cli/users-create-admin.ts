/**
 * Creates an administrator directly in the contacts database (the first one has nobody to
 * create them through the API). The user's `created` event goes through the outbox like any
 * other: the contacts service publishes it.
 *
 *   npm run users:create-admin -- --email admin@example.com --password '…' [--name 'Ada Admin'] [--if-missing]
 *
 * The password may come from CRM_ADMIN_PASSWORD instead of the command line (keeps it out of
 * the shell history). --if-missing: an existing user with that login is left alone (exit 0).
 */
import { parseArgs } from 'node:util';
import { createSchemaDataSource, ensureDatabase, initializeWithMigrations } from '@crm/db';
import { createLogger, databaseUrl, systemClock } from '@crm/runtime';
import { GraphQLError } from 'graphql';
import { contactsModule } from '../module';
import { validateLogin } from '../domain/user-input';
import { UserService } from '../services/user-service';

export async function createAdmin(options: { email: string; password: string; name: string; ifMissing: boolean; url?: string }): Promise<'created' | 'exists'> {
  const url = options.url ?? databaseUrl();
  await ensureDatabase(url);
  const logger = createLogger('users-cli');
  const dataSource = createSchemaDataSource({
    schema: contactsModule.schema,
    entities: contactsModule.entities,
    migrations: contactsModule.migrations,
    url,
    logger,
    poolSize: 2,
  });
  await initializeWithMigrations(dataSource);
  try {
    const login = validateLogin(options.email, 'email');
    const existing: { role: string }[] = await dataSource.query('SELECT role FROM contacts.user_account WHERE login = $1', [login]);
    if (existing.length > 0) {
      if (options.ifMissing) return 'exists';
      throw new Error(`a user with login ${login} exists already (role ${existing[0]!.role})`);
    }
    await new UserService(dataSource, systemClock).createAs(
      { login, name: options.name, password: options.password, role: 'admin', branchIds: [], teamIds: [] },
      null,
    );
    return 'created';
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string', default: 'Administrator' },
      'if-missing': { type: 'boolean', default: false },
    },
  });
  const password = values.password ?? process.env['CRM_ADMIN_PASSWORD'];
  if (!values.email || !password) {
    console.error('usage: npm run users:create-admin -- --email <e-mail> --password <password> [--name <name>] [--if-missing]');
    process.exit(2);
  }
  try {
    const outcome = await createAdmin({ email: values.email, password, name: values.name!, ifMissing: values['if-missing']! });
    console.log(outcome === 'created' ? `[users] administrator ${values.email} created` : `[users] ${values.email} exists already`);
  } catch (error) {
    const field = error instanceof GraphQLError ? ` (${String(error.extensions['field'] ?? '')})` : '';
    console.error(`[users] ${(error as Error).message}${field}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
