/**
 * Child process of reporting-export.bench.ts: writes one export to a file and reports its
 * time and the process's peak RSS (a process of its own, so the figure is the export's).
 */
import { createWriteStream, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createSchemaDataSource } from '@crm/db';
import { ExportService, parseExportInput, type ExportFormat } from '@crm/reporting/src/services/export-service';
import { FollowUpConfigService } from '@crm/reporting/src/services/follow-up-config-service';

async function main(): Promise<void> {
  const [url, format, out] = process.argv.slice(2) as [string, ExportFormat, string];
  const dataSource = createSchemaDataSource({ schema: 'reporting', entities: [], migrations: [], url, poolSize: 2 });
  await dataSource.initialize();
  const service = new ExportService(dataSource, new FollowUpConfigService(dataSource), { secret: 'bench', linkTtlSeconds: 0, rowLimits: {}, publicUrl: () => '' });
  const rssBefore = process.resourceUsage().maxRSS;
  const started = performance.now();
  const stream = createWriteStream(out);
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  const rows = await service.write(
    { id: '01934d6e-0000-7000-8000-0000000000a1', role: 'admin', branchIds: [], teamIds: [], tz: 'Asia/Jakarta' },
    parseExportInput({ format }),
    format,
    stream,
  );
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await dataSource.destroy();
  process.stdout.write(
    JSON.stringify({ rows, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, rssBeforeMb: rssBefore / 1024, bytes: statSync(out).size }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
