// A dedicated worker that runs edgeflow telemetry on a shared outbox, for the multi-context tests.
// Messages: start {endpoint, db}, record {model, rows}, status; each is answered with {id, result}.
import { startTelemetry, type Telemetry } from '../../../src/telemetry/index.ts';

let telemetry: Telemetry | null = null;

type Message =
  | { id: number; type: 'start'; endpoint: string; db: string }
  | { id: number; type: 'record'; model: string; rows: number }
  | { id: number; type: 'status' };

self.onmessage = async (event: MessageEvent<Message>) => {
  const message = event.data;
  let result: unknown = null;
  if (message.type === 'start') {
    telemetry = await startTelemetry({
      endpoint: message.endpoint,
      interval: 3_600_000,
      enabled: true,
      deviceClass: 'gpu=software;mem=8;os=linux',
      outbox: { name: message.db },
      retry: { initialDelayMs: 50, maxDelayMs: 100 },
      pollMs: 50,
      onError: () => undefined,
    });
  } else if (message.type === 'record') {
    telemetry?.instruments.recordPredict({
      type: 'predict',
      model: message.model,
      version: 1,
      backend: 'cpu',
      rows: message.rows,
      errors: {},
      seconds: { pipeline: 0.001, model: 0.001, total: 0.002 },
      warmup: false,
    });
    await telemetry?.flush();
  } else {
    const status = await telemetry?.status();
    result = status === undefined ? null : { sender: status.sender, batches: status.batches };
  }
  self.postMessage({ id: message.id, result });
};
