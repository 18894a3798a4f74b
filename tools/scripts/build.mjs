// `nx build <project>`: type-checks the project; for an app it also bundles src/main.ts with
// esbuild into dist/<path>/main.js (npm packages stay external), runnable with plain `node`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const project = process.argv[2];
if (!project) {
  console.error('usage: node tools/scripts/build.mjs <apps/name|libs/name>');
  process.exit(2);
}
const root = join(import.meta.dirname, '..', '..');
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, project, 'tsconfig.json')], { stdio: 'inherit' });

if (project.startsWith('apps/')) {
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
