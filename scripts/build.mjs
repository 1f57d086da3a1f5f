// `npm run build`: the library (JS + .d.ts for every subpath, into dist/) and the demo page (into
// demo-dist/). `--lib-only` skips the demo; `--out DIR` puts the library elsewhere (the exports
// check in test/unit/package-exports.test.ts builds into a temporary folder).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { 'lib-only': { type: 'boolean', default: false }, out: { type: 'string', default: 'dist' } },
});
const outDir = resolve(values.out);

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

rmSync(outDir, { recursive: true, force: true });
run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir]);

// tsc rewrites `.ts` in import specifiers but not in `new URL('./x.ts', import.meta.url)`, the
// pattern bundlers use to find worker entries; point those at the emitted `.js`.
function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.js')) yield path;
  }
}
for (const file of files(outDir)) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(
    /new URL\((['"])([^'"]+)\.ts\1, import\.meta\.url\)/g,
    'new URL($1$2.js$1, import.meta.url)',
  );
  if (fixed !== text) writeFileSync(file, fixed);
}
console.log(`library built into ${outDir}`);

// The collector package (collector/, its own package.json) imports the library's built schemas
// through the workspace link, so it builds after the library.
if (values.out === 'dist') {
  run('npx', ['tsc', '-p', 'collector/tsconfig.build.json']);
  console.log('collector built into collector/dist/');
}

if (!values['lib-only']) {
  run('npx', ['vite', 'build', '--logLevel', 'warn']);
  console.log('demo built into demo-dist/');
}
