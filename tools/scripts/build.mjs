// `nx build <project>`: type-checks the project; for an app it also bundles src/main.ts with
// esbuild into dist/<path>/main.js (npm packages stay external), runnable with plain `node`.
// Usage: node tools/scripts/build.mjs [--bundle-only] <apps/name|libs/name>...
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const bundleOnly = args.includes('--bundle-only');
const projects = args.filter((a) => !a.startsWith('--'));
if (projects.length === 0) {
  console.error('usage: node tools/scripts/build.mjs [--bundle-only] <apps/name|libs/name>...');
  process.exit(2);
}
const root = join(import.meta.dirname, '..', '..');
for (const project of projects) await buildProject(project);

async function buildProject(project) {
  if (!bundleOnly) {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, project, 'tsconfig.json')], { stdio: 'inherit' });
  }
  if (!project.startsWith('apps/')) return;
  const outDir = join(root, 'dist', project);
  mkdirSync(outDir, { recursive: true });
  // The process entry, plus the app's command-line tools (src/cli/*.ts, src/*-cli.ts), so a
  // container has them too: node dist/apps/<app>/cli/<tool>.js
  const cliDir = join(root, project, 'src/cli');
  const tools = [
    ...(existsSync(cliDir) ? readdirSync(cliDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')).map((f) => join(cliDir, f)) : []),
    ...readdirSync(join(root, project, 'src'))
      .filter((f) => f.endsWith('-cli.ts') && f !== 'compose-cli.ts') // composing is a development step
      .map((f) => join(root, project, 'src', f)),
  ];
  await build({
    entryPoints: {
      main: join(root, project, 'src/main.ts'),
      ...Object.fromEntries(tools.map((t) => [`cli/${basename(t, '.ts').replace(/-cli$/, '')}`, t])),
    },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    // Workspace libraries (@crm/*) are bundled; everything from npm stays a runtime dependency.
    plugins: [
      {
        name: 'externals',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@crm/') ? undefined : { external: true }));
        },
      },
    ],
    tsconfig: join(root, 'tsconfig.base.json'),
  });
  for (const file of ['src/schema.graphql', 'supergraph.graphql']) {
    const from = join(root, project, file);
    if (!existsSync(from)) continue;
    copyFileSync(from, join(outDir, file.replace('src/', '')));
    // The tools load the module too, which reads its schema beside itself.
    if (tools.length > 0) copyFileSync(from, join(outDir, 'cli', file.replace('src/', '')));
  }
  console.log(`built ${project} → dist/${project}/main.js`);
}
