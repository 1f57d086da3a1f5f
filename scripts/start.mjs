// `npm start`: builds the library, the collector and the demo, then serves the demo and the
// collector on one origin (cross-origin isolated) and prints the URL. PORT (default 4318) and HOST
// change where. Zero setup: no API key and no admin token, so ingest and admin endpoints answer
// loopback clients only (the collector says so when it starts). Its data (SQLite file, releases)
// goes to node_modules/.cache/edgeflow-collector, out of the way of git; DATA_DIR changes that.
import { spawnSync } from 'node:child_process';

const build = spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const args = [
  'collector/dist/cli.js',
  '--static',
  'demo-dist',
  '--port',
  process.env.PORT ?? '4318',
  '--data-dir',
  process.env.DATA_DIR ?? 'node_modules/.cache/edgeflow-collector',
];
if (process.env.HOST) args.push('--host', process.env.HOST);
const server = spawnSync('node', args, { stdio: 'inherit' });
process.exit(server.status ?? 0);
