/**
 * npm run bench [-- <name-fragment>…]: runs bench/*.bench.ts (each exports a default Bench),
 * on the real Postgres and Kafka (brought up first), and writes bench/results/<file>.json and
 * bench/results/<file>.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench, BenchResult } from './harness';

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const dir = __dirname;
  execFileSync('bash', [join(dir, '..', 'tools', 'scripts', 'infra-up.sh')], { stdio: 'inherit' });
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark matches ${filters.join(', ')}`);
  mkdirSync(join(dir, 'results'), { recursive: true });
  for (const file of files) {
    const bench = (await import(join(dir, file))).default as Bench;
    console.log(`[bench] ${file} …`);
    const result: BenchResult = await bench();
    const base = join(dir, 'results', file.replace(/\.bench\.ts$/, ''));
    const stamped = { ...result, ranAt: new Date().toISOString(), node: process.version };
    writeFileSync(`${base}.json`, `${JSON.stringify(stamped, null, 2)}\n`);
    const lines = [
      `# ${result.name}`,
      '',
      `Ran ${stamped.ranAt} on Node ${process.version}.`,
      '',
      '| figure | value |',
      '|---|---|',
      ...Object.entries(result.figures).map(([k, v]) => `| ${k} | ${v} |`),
      '',
      ...(result.targets?.length ? ['| target | met |', '|---|---|', ...result.targets.map((t) => `| ${t.description} | ${t.met ? 'yes' : 'NO'} |`), ''] : []),
      ...(result.notes ?? []).map((n) => `- ${n}`),
    ];
    writeFileSync(`${base}.md`, `${lines.join('\n')}\n`);
    console.log(lines.join('\n'));
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
