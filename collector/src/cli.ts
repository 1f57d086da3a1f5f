#!/usr/bin/env node
// `edgeflow-collector`: see `--help` (USAGE in config.ts).
import { newApiKey } from './auth.ts';
import { parseCommandLine, USAGE } from './config.ts';
import { startCollector } from './server.ts';

let command: ReturnType<typeof parseCommandLine>;
try {
  command = parseCommandLine(process.argv.slice(2), process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
if (command.kind === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (command.kind === 'new-key') {
  const { key, entry } = newApiKey(command.id);
  console.log(`API key (give it to the devices; it is not stored anywhere): ${key}`);
  console.log(`Add this entry to the "keys" list of your --api-key-file:\n${JSON.stringify(entry)}`);
  process.exit(0);
}
const { options, quiet } = command;
try {
  const running = await startCollector({
    ...options,
    ...(quiet ? {} : { log: (line: string) => console.log(line) }),
  });
  for (const note of running.notes) console.log(note);
  console.log(`edgeflow collector listening on ${running.url}`);
  let stopping = false;
  const stop = (): void => {
    // A second signal while finishing in-flight batches stops at once.
    if (stopping) process.exit(1);
    stopping = true;
    void running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE')
    console.error(`Port ${options.port} is in use. Pass --port with a free port (or PORT=…).`);
  else console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
