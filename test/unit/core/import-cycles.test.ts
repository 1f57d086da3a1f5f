// Issue 16, point 9: modules that import each other grow together. Every import among src/**/*.ts
// and .tsx — type-only imports and re-exports included, since a cycle through a shared type is the
// tangle the issue names — must point one way. The failure lists each cycle as its chain of files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const srcDir = join(root, 'src');

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

/** The file a relative specifier names ('./x.ts', './x', './x.js', './dir', 'x?url'), or null. */
function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier.replace(/[?#].*$/, ''));
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.jsx$/, '.tsx'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => /\.tsx?$/.test(c) && existsSync(c) && statSync(c).isFile()) ?? null;
}

/** Every module a file imports or re-exports from, statically or with `import()`, as file paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = new Set<string>();
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = resolveRelative(file, fileName);
    if (target !== null) targets.add(target);
  }
  return [...targets].sort();
}

/** One cycle: a chain that starts and ends at the same file, and every file of its tangle. */
interface Cycle {
  readonly chain: string[];
  /** The strongly connected component the chain runs through (sorted): all must be untangled. */
  readonly files: string[];
}

/**
 * The cycles of a graph, one per strongly connected component with more than one file (or a file
 * that imports itself), each with a chain that starts and ends at the component's first file.
 */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): Cycle[] {
  // Tarjan's algorithm, iterative so a deep import chain cannot overflow the stack.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++] as string;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && (graph.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components.map((files) => ({
    chain: chainThrough(graph, new Set(files), files[0] as string),
    files,
  }));
}

/** A shortest path from `start` back to itself inside one component (breadth first). */
function chainThrough(
  graph: ReadonlyMap<string, readonly string[]>,
  within: ReadonlySet<string>,
  start: string,
) {
  const previous = new Map<string, string>();
  const queue: string[] = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const to of graph.get(node) ?? []) {
      if (!within.has(to)) continue;
      if (to === start) {
        const chain = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at))
          chain.unshift(at);
        chain.unshift(start);
        return chain;
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

function show({ chain, files }: Cycle): string {
  const path = chain.map((file) => relative(root, file)).join(' → ');
  const others = files.filter((file) => !chain.includes(file)).map((file) => relative(root, file));
  return others.length ? `${path} (tangled with it too: ${others.join(', ')})` : path;
}

describe('import cycles', () => {
  test('the cycle finder finds a two-file cycle, a longer one and a self-import, and nothing in a tree', () => {
    const graph = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', ['d']],
      ['d', ['e']],
      ['e', ['c']],
      ['f', ['f', 'a']],
      ['g', ['a', 'c']],
    ]);
    expect(findCycles(graph)).toEqual([
      { chain: ['c', 'd', 'e', 'c'], files: ['c', 'd', 'e'] },
      { chain: ['a', 'b', 'a'], files: ['a', 'b'] },
      { chain: ['f', 'f'], files: ['f'] },
    ]);
    // Two loops through one file are one tangle: the chain is the shortest, the files are all of them.
    const twoLoops = new Map([
      ['p', ['q', 'r']],
      ['q', ['p']],
      ['r', ['s']],
      ['s', ['p']],
    ]);
    expect(findCycles(twoLoops)).toEqual([{ chain: ['p', 'q', 'p'], files: ['p', 'q', 'r', 's'] }]);
    expect(
      findCycles(
        new Map([
          ['x', ['y', 'z']],
          ['y', ['z']],
          ['z', []],
        ]),
      ),
    ).toEqual([]);
  });

  test('specifiers resolve to files: type-only imports, re-exports, extensionless and ?url imports', () => {
    const lab = join(srcDir, 'lab', 'worker-api.ts');
    const imports = importsOf(lab).map((file) => relative(root, file));
    expect(imports).toContain('src/lab/worker-context.ts');
    expect(imports).toContain('src/lab/worker-training.ts');
    expect(resolveRelative(lab, './worker-context')).toBe(join(srcDir, 'lab', 'worker-context.ts'));
    expect(resolveRelative(lab, './worker-context.js')).toBe(join(srcDir, 'lab', 'worker-context.ts'));
    expect(resolveRelative(lab, './worker-context.ts?url')).toBe(join(srcDir, 'lab', 'worker-context.ts'));
    expect(resolveRelative(lab, './no-such-module.ts')).toBeNull();
  });

  test('no module under src/ imports itself back, directly or through others', () => {
    const files = sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(50);
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    const cycles = findCycles(graph);
    expect(
      cycles.map(show),
      `import cycles (each a chain of files):\n${cycles.map(show).join('\n')}`,
    ).toEqual([]);
  });
});
