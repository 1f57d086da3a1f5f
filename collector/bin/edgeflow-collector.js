#!/usr/bin/env node
// The `edgeflow-collector` command. It lives outside dist/ so that npm links it at install time,
// before anything is built; it runs the compiled CLI (`npm run build` at the repository root).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'edgeflow-collector is not built yet: run `npm run build` at the repository root (or `npm run build -w edgeflow-collector`), then try again.',
  );
  process.exit(1);
}
await import(cli.href);
