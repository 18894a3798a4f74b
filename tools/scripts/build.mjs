// `nx build <project>`: type-checks the project; for an app it also bundles src/main.ts with
// esbuild into dist/<path>/main.js (npm packages stay external), runnable with plain `node`.
// Usage: node tools/scripts/build.mjs [--bundle-only] <apps/name|libs/name>...
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
  await build({
    entryPoints: [join(root, project, 'src/main.ts')],
    outfile: join(outDir, 'main.js'),
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
    if (existsSync(from)) copyFileSync(from, join(outDir, file.replace('src/', '')));
  }
  console.log(`built ${project} → dist/${project}/main.js`);
}
