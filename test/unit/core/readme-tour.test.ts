// Issue 16, point 3: the README's API tour is code users copy. Every ```ts block in the README is
// type-checked against the sources with the project's own compiler options, so a renamed export or
// a changed signature fails here instead of in a user's editor.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const root = resolve('.');
// Inside node_modules: ignored by git, Biome and the project's own typecheck, but close enough to
// the root that module and type resolution work as they do for the sources.
const dir = join(root, 'node_modules', '.cache', 'readme-tour');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fenced TypeScript blocks of a Markdown text, in order. */
function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

test('the README has TypeScript examples, and each one type-checks against the sources', () => {
  const blocks = typescriptBlocks(readFileSync('README.md', 'utf8'));
  expect(blocks.length).toBeGreaterThanOrEqual(1);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = blocks.map((code, i) => {
    const file = join(dir, `block-${i + 1}.ts`);
    // Top-level await needs a module.
    writeFileSync(file, `${code}\nexport {};\n`);
    return file;
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noUnusedLocals: false },
      files,
    }),
  );
  let output = '';
  try {
    execFileSync('npx', ['tsc', '-p', join(dir, 'tsconfig.json'), '--noEmit', '--pretty', 'false'], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  expect(output).toBe('');
}, 120_000);

test('the block extractor finds fenced ts blocks and nothing else', () => {
  const md = 'text\n```ts\nconst a = 1;\n```\n```sh\nnpm test\n```\n```ts\nconst b = 2;\n```\n';
  expect(typescriptBlocks(md)).toEqual(['const a = 1;\n', 'const b = 2;\n']);
});
