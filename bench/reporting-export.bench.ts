/**
 * A 100,000-row "Laporan CRM" XLSX export: target under 10 s with peak RSS under 300 MB.
 * The export runs in a process of its own (bundled with esbuild and run by plain node, as the
 * apps run in production), streaming rows from the read model in keyset batches into exceljs's
 * streaming WorkbookWriter; peak RSS is that process's maxRSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { round, type Bench } from './harness';
import { benchDatabase, loadOpportunities } from './reporting-support';

const ROWS = Number(process.env['BENCH_EXPORT_ROWS'] ?? 100_000);

interface ChildResult {
  rows: number;
  seconds: number;
  peakRssMb: number;
  rssBeforeMb: number;
  bytes: number;
}

/** The child bundled as the apps are for production (tools/scripts/build.mjs): plain node, no tsx. */
async function bundleChild(dir: string): Promise<string> {
  const outfile = join(dir, 'export-child.js');
  await build({
    entryPoints: [join(__dirname, 'reporting-export.child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    plugins: [
      {
        name: 'externals',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@crm/') ? undefined : { external: true }));
        },
      },
    ],
    tsconfig: join(__dirname, '..', 'tsconfig.base.json'),
    nodePaths: [join(__dirname, '..', 'node_modules')],
  });
  return outfile;
}

function runChild(child: string, url: string, format: 'XLSX' | 'CSV', out: string): ChildResult {
  const output = execFileSync(process.execPath, [child, url, format, out], {
    env: { ...process.env, LOG_LEVEL: 'error', NODE_PATH: join(__dirname, '..', 'node_modules') },
    maxBuffer: 1 << 20,
  }).toString();
  return JSON.parse(output.slice(output.indexOf('{'))) as ChildResult;
}

const bench: Bench = async () => {
  const db = await benchDatabase('export');
  const dir = mkdtempSync(join(tmpdir(), 'reporting-export-'));
  try {
    await loadOpportunities(db.dataSource, ROWS, { properties: true });
    const child = await bundleChild(dir);
    const xlsx = runChild(child, db.url, 'XLSX', join(dir, 'laporan.xlsx'));
    const csv = runChild(child, db.url, 'CSV', join(dir, 'laporan.csv'));
    if (xlsx.rows !== ROWS || csv.rows !== ROWS) throw new Error(`exported ${xlsx.rows}/${csv.rows} rows of ${ROWS}`);
    return {
      name: `reporting: ${ROWS.toLocaleString('en')}-row Laporan CRM export`,
      figures: {
        rows: ROWS,
        columns: 30,
        xlsxSeconds: round(xlsx.seconds),
        xlsxPeakRssMb: round(xlsx.peakRssMb, 1),
        xlsxRssBeforeExportMb: round(xlsx.rssBeforeMb, 1),
        xlsxFileMb: round(xlsx.bytes / 1024 / 1024, 1),
        xlsxRowsPerSecond: Math.round(ROWS / xlsx.seconds),
        csvSeconds: round(csv.seconds),
        csvPeakRssMb: round(csv.peakRssMb, 1),
        csvFileMb: round(csv.bytes / 1024 / 1024, 1),
      },
      targets: [
        { description: `${ROWS.toLocaleString('en')}-row XLSX export < 10 s`, met: xlsx.seconds < 10 },
        { description: 'peak RSS of the exporting process < 300 MB', met: xlsx.peakRssMb < 300 },
      ],
      notes: [
        'Rows are read in keyset batches of 2,000 (created_at, id) with the caller’s scope and written as they come: memory does not grow with the row count.',
        'Peak RSS is the whole process (Node, TypeORM, the pg driver, the event catalog and exceljs included); rssBeforeExport is what it held before the first row.',
        'XLSX cells share one style object per column kind (exceljs recognises a known style object at once; per-cell copies of column styles would cost seconds).',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
};

export default bench;
