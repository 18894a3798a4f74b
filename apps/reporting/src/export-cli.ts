/**
 * npm run reporting:export -- --format xlsx|csv [--type all|lead|opportunity] [--stage NAME]…
 *   [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--branch CODE]… [--tz Asia/Jakarta] --out FILE
 *
 * Writes the "Laporan CRM" from the reporting read model (DATABASE_URL), as an administrator
 * (every record), the same columns and rows as the download.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AuthUser } from '@crm/auth';
import { createSchemaDataSource } from '@crm/db';
import { databaseUrl, envString } from '@crm/runtime';
import { ExportService, parseExportInput, type ExportFormat, type ExportType } from './services/export-service';
import { FollowUpConfigService } from './services/follow-up-config-service';

const CLI_USER: Omit<AuthUser, 'tz'> = { id: '00000000-0000-7000-8000-000000000000', role: 'admin', branchIds: [], teamIds: [] };

export async function runExportCli(argv: string[], options: { databaseUrl?: string } = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string' },
      type: { type: 'string', default: 'all' },
      stage: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      branch: { type: 'string', multiple: true },
      tz: { type: 'string', default: envString('REPORTING_TIME_ZONE', 'UTC') },
      out: { type: 'string' },
    },
    strict: true,
  });
  const format = values.format?.toUpperCase();
  if (format !== 'CSV' && format !== 'XLSX') throw new Error('--format must be csv or xlsx');
  const type = values.type.toUpperCase();
  if (!['ALL', 'LEAD', 'OPPORTUNITY'].includes(type)) throw new Error('--type must be all, lead or opportunity');
  if (!values.out) throw new Error('--out FILE is required');
  let params;
  try {
    params = parseExportInput({
      format: format as ExportFormat,
      type: type as ExportType,
      stageNames: values.stage ?? null,
      from: values.from ?? null,
      to: values.to ?? null,
      branchIds: values.branch ?? null,
    });
  } catch (error) {
    throw new Error(`bad arguments: ${(error as Error).message}`);
  }
  const dataSource = createSchemaDataSource({ schema: 'reporting', entities: [], migrations: [], url: options.databaseUrl ?? databaseUrl(), poolSize: 2 });
  await dataSource.initialize();
  try {
    const service = new ExportService(dataSource, new FollowUpConfigService(dataSource), {
      secret: 'cli',
      linkTtlSeconds: 0,
      rowLimits: {},
      publicUrl: () => '',
    });
    const out = createWriteStream(values.out);
    const finished = new Promise<void>((resolve, reject) => {
      out.on('finish', () => resolve());
      out.on('error', reject);
    });
    const rows = await service.write({ ...CLI_USER, tz: values.tz }, params, format, out);
    await finished;
    return rows;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runExportCli(process.argv.slice(2))
    .then((rows) => {
      console.log(`[reporting:export] ${rows} rows written`);
      process.exit(0);
    })
    .catch((error) => {
      console.error(`[reporting:export] ${(error as Error).message}`);
      process.exit(1);
    });
}
