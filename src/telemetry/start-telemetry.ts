// The ready setup for apps without OpenTelemetry: a MeterProvider with a periodic reader and the
// outbox exporter, the IndexedDB outbox, the elected sender, consent (off until enabled),
// preview/purge, and the page-hide flush. Everything the app calls returns results; failures go to
// the replaceable error handler.
import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { EdgeflowError, toEdgeflowError } from '../errors.ts';
import type { MonitorEventSource } from '../schemas/monitor.ts';
import { BATCH_KEY_HEADER, METRIC, RESOURCE_ATTRIBUTE } from '../schemas/telemetry.ts';
import { detectDeviceClass, formatDeviceClass } from './device-class.ts';
import { EDGEFLOW_SCOPE, utf8Length } from './drop-report.ts';
import { checkResourceEgress, filterEgress } from './egress.ts';
import { createFetchTransport, metricsUrl } from './fetch-transport.ts';
import { DEFAULT_OUTBOX_DB, openIndexedDbOutbox, readInstallId } from './indexeddb-outbox.ts';
import {
  createEdgeflowInstruments,
  EDGEFLOW_SCOPE_VERSION,
  type EdgeflowInstruments,
  instrumentMonitor,
  type ModelAttributes,
  type RecordResult,
  type ReleaseEvent,
} from './instruments.ts';
import { createMemoryOutbox } from './memory-outbox.ts';
import { countDataPoints, toExportRequest } from './otlp-json.ts';
import { createOutboxExporter, EXPONENTIAL_HISTOGRAM, type OutboxExporter } from './outbox-exporter.ts';
import { createOutboxSender, type OutboxSender, type SenderStats } from './outbox-sender.ts';
import type { Outbox, OutboxLimits, RetryPolicy, TelemetryErrorHandler, Transport } from './types.ts';

/** One day: the default install id rotation. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of startTelemetry. */
export interface TelemetryOptions {
  /** Collector (or any OTLP/HTTP receiver) base URL; batches go to `{endpoint}/v1/metrics`. */
  endpoint: string;
  /** Extra request headers (an API key). */
  headers?: Record<string, string>;
  /** Collection interval, ms (default 60 000, OpenTelemetry's default; see docs/telemetry.md for the bytes). */
  interval?: number;
  /** Consent: false (the default) records and sends nothing until `enable()`. */
  enabled?: boolean;
  /** Who sends: model, version, release, backend (resource attributes). */
  resource?: {
    serviceName?: string;
    model?: string;
    modelVersion?: number;
    release?: string;
    backend?: string;
  };
  /** The pseudonymous install id: on and rotated daily by default; `false` switches it off. */
  installId?: false | { rotateMs: number };
  /** The coarse device class: probed by default; a string to set it; `false` to leave it out. */
  deviceClass?: false | string;
  /** Outbox: IndexedDB (default, with these bounds and database name) or a given one. */
  outbox?: Outbox | (Partial<OutboxLimits> & { name?: string });
  /** Gzip bodies (default true when CompressionStream exists). */
  compress?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Web Lock and BroadcastChannel names (default derived from the database name). */
  lockName?: string;
  /** How often an idle sender checks the outbox, ms (default 5000). */
  pollMs?: number;
  /** Flush with keepalive on pagehide / hidden (default true). */
  flushOnHide?: boolean;
  /** Replace the HTTP transport (tests, custom auth). */
  transport?: Transport;
  /** Receives what failed (never thrown into the app). */
  onError?: TelemetryErrorHandler;
}

/** The next payload exactly as it will be sent. */
export interface TelemetryPreview {
  url: string;
  headers: Record<string, string>;
  key: string;
  /** The request body before compression, byte for byte. */
  body: string;
  bytes: number;
}

/** What telemetry is doing. */
export interface TelemetryStatus {
  enabled: boolean;
  outbox: Outbox['kind'];
  batches: number;
  bytes: number;
  /** True while this context is the origin's elected sender. */
  sender: boolean;
  stats: SenderStats;
}

/** A running telemetry setup. */
export interface Telemetry {
  /** edgeflow's instruments (record through them, or subscribe a Predictor with `instrument`). */
  readonly instruments: EdgeflowInstruments;
  /** The SDK MeterProvider (an app may create its own meters on it; only allow-listed metrics leave). */
  readonly meterProvider: ApiMeterProvider;
  /** True when the user consented and telemetry runs. */
  isEnabled(): boolean;
  /** Starts recording and sending (call once the user consents). */
  enable(): void;
  /** Stops recording and sending at once; what the SDK held unsent is dropped, the outbox is kept. */
  disable(): Promise<void>;
  /** Records a Predictor's events; returns the unsubscribe function. */
  instrument(source: MonitorEventSource): () => void;
  /** An edge client's release event. */
  recordReleaseEvent(event: ReleaseEvent, attributes?: ModelAttributes): RecordResult;
  /** A lab run's training throughput, samples/s. */
  recordTrainThroughput(samplesPerSecond: number, attributes?: ModelAttributes): RecordResult;
  /** Collects now and stores the batch in the outbox (sent right after). */
  flush(): Promise<void>;
  /** The exact next payload (collecting first when the outbox is empty); null when there is nothing. */
  preview(): Promise<TelemetryPreview | null>;
  /** Empties the outbox and drops what the SDK held. */
  purge(): Promise<void>;
  status(): Promise<TelemetryStatus>;
  /** Replaces the error handler. */
  setErrorHandler(handler: TelemetryErrorHandler): void;
  /** Stores what the SDK holds in the outbox, then stops everything and closes it (unsent batches wait for the next start). */
  shutdown(): Promise<void>;
}

function isOutbox(value: TelemetryOptions['outbox']): value is Outbox {
  return value !== undefined && typeof (value as Outbox).append === 'function';
}

async function buildResource(options: TelemetryOptions, dbName: string): Promise<Record<string, string>> {
  const attributes: Record<string, string> = {
    [RESOURCE_ATTRIBUTE.serviceName]: options.resource?.serviceName ?? 'edgeflow',
    [RESOURCE_ATTRIBUTE.sdkName]: 'edgeflow',
    [RESOURCE_ATTRIBUTE.sdkLanguage]: 'webjs',
    [RESOURCE_ATTRIBUTE.sdkVersion]: EDGEFLOW_SCOPE_VERSION,
  };
  const r = options.resource ?? {};
  if (r.model !== undefined) attributes[RESOURCE_ATTRIBUTE.model] = r.model;
  if (r.modelVersion !== undefined) attributes[RESOURCE_ATTRIBUTE.modelVersion] = String(r.modelVersion);
  if (r.release !== undefined) attributes[RESOURCE_ATTRIBUTE.release] = r.release;
  if (r.backend !== undefined) attributes[RESOURCE_ATTRIBUTE.backend] = r.backend;
  if (options.deviceClass !== false) {
    const device = options.deviceClass ?? formatDeviceClass(await detectDeviceClass());
    attributes[RESOURCE_ATTRIBUTE.deviceClass] = device;
    attributes[RESOURCE_ATTRIBUTE.osType] = /os=(\w+)/.exec(device)?.[1] ?? 'other';
  }
  if (options.installId !== false) {
    const rotateMs = options.installId?.rotateMs ?? DAY_MS;
    attributes[RESOURCE_ATTRIBUTE.instanceId] =
      typeof indexedDB === 'undefined' ? crypto.randomUUID() : await readInstallId(dbName, rotateMs);
  }
  checkResourceEgress(attributes);
  return attributes;
}

/**
 * Starts edgeflow telemetry: OpenTelemetry SDK metrics, an IndexedDB outbox shared by the origin's
 * pages and workers, one elected sender, gzip, retries, and a keepalive flush on page hide.
 * Nothing is recorded or sent until `enable()` (or `enabled: true`, once the user consented).
 *
 * @throws INVALID_ARGUMENT when `endpoint` is not an http(s) URL or `interval` is not positive.
 * @throws EGRESS_REFUSED when a resource attribute is not allowed.
 * @example
 * const telemetry = await startTelemetry({ endpoint: 'https://collector.example', resource: { model: 'iris', modelVersion: 3 } });
 * telemetry.instrument(predictor);
 * consentButton.onclick = () => telemetry.enable();
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  let url: string;
  try {
    url = metricsUrl(new URL(options.endpoint, globalThis.location?.href).href);
    if (!/^https?:/.test(url)) throw new Error('not http');
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Telemetry endpoint "${options.endpoint}" is not an http(s) URL. Pass the collector's base URL, e.g. https://collector.example:4318.`,
      { cause },
    );
  }
  const interval = options.interval ?? 60_000;
  if (!(interval > 0)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Telemetry interval must be a positive number of ms; got ${String(interval)}.`,
    );
  }
  const given = options.outbox;
  const dbName = (!isOutbox(given) ? given?.name : undefined) ?? DEFAULT_OUTBOX_DB;
  let handler: TelemetryErrorHandler =
    options.onError ?? ((error) => console.warn(`[edgeflow telemetry] ${error.code}: ${error.message}`));
  const onError: TelemetryErrorHandler = (error) => {
    try {
      handler(error);
    } catch {
      // An error handler that throws must not break telemetry either.
    }
  };
  let outbox: Outbox;
  if (isOutbox(given)) outbox = given;
  else {
    try {
      outbox = await openIndexedDbOutbox({ ...given, name: dbName });
    } catch (error) {
      onError(
        new EdgeflowError(
          toEdgeflowError(error).code,
          `The IndexedDB outbox could not be opened; telemetry keeps batches in memory (lost on reload). ${toEdgeflowError(error).message}`,
          { cause: error },
        ),
      );
      outbox = createMemoryOutbox(given);
    }
  }
  const resource = resourceFromAttributes(await buildResource(options, dbName));
  const headers = { ...options.headers };
  const transport =
    options.transport ??
    createFetchTransport({
      endpoint: url,
      headers,
      ...(options.compress === undefined ? {} : { compress: options.compress }),
      ...(options.retry?.maxRetryAfterMs === undefined
        ? {}
        : { maxRetryAfterMs: options.retry.maxRetryAfterMs }),
    });

  let enabled = false;
  let dropping = false;
  const lockName = options.lockName ?? `${dbName}:sender`;
  const makeSender = (box: Outbox, elect: boolean): OutboxSender =>
    createOutboxSender({
      outbox: box,
      transport,
      lockName: elect ? lockName : null,
      channelName: elect ? `${dbName}:appended` : null,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      onError,
    });
  let sender = makeSender(outbox, outbox.kind === 'indexeddb');

  const exporter: OutboxExporter = createOutboxExporter({
    outbox,
    isEnabled: () => enabled && !dropping,
    onError,
    ...(isOutbox(given) ? {} : { fallbackLimits: given ?? {} }),
    onAppended: () => sender.notify(),
    onDegraded: (memory) => {
      const old = sender;
      sender = makeSender(memory, false);
      void old.stop().then(() => {
        if (enabled) sender.start();
      });
    },
  });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: interval,
    exportTimeoutMillis: Math.min(30_000, interval),
  });
  const meterProvider = new MeterProvider({
    resource,
    readers: [reader],
    views: [{ instrumentName: METRIC.predictDuration, aggregation: EXPONENTIAL_HISTOGRAM }],
  });
  const instruments = createEdgeflowInstruments({
    meter: meterProvider.getMeter(EDGEFLOW_SCOPE, EDGEFLOW_SCOPE_VERSION),
    isEnabled: () => enabled,
    onError,
  });

  /** Collects what the SDK holds and drops it (after disable or purge). */
  const dropHeld = async (): Promise<void> => {
    dropping = true;
    try {
      await reader.forceFlush();
    } finally {
      dropping = false;
    }
  };

  const onHide = (event: Event): void => {
    if (!enabled) return;
    // pagehide always flushes; visibilitychange only when the page became hidden (it may never
    // come back: mobile browsers kill hidden tabs without a pagehide).
    if (event.type === 'visibilitychange' && globalThis.document?.visibilityState !== 'hidden') return;
    // What the sender last read goes out now with keepalive, oldest first…
    if (sender.isSender()) sender.flushKeepalive();
    // …then what the SDK still holds: sent with keepalive and appended to the outbox under the same
    // key, so if the keepalive request lands, the outbox copy is a replay the collector drops.
    void reader
      .collect()
      .then(({ resourceMetrics }) => {
        const { request } = filterEgress(toExportRequest(resourceMetrics));
        if (countDataPoints(request) === 0) return null;
        const key = crypto.randomUUID();
        const body = JSON.stringify(request);
        sender.flushKeepalive([{ seq: -1, key, body, bytes: utf8Length(body), createdAt: Date.now() }]);
        return exporter.append(request, key);
      })
      .catch((error: unknown) => onError(toEdgeflowError(error)));
  };
  const target = globalThis as unknown as EventTarget & { document?: Document };
  if (options.flushOnHide !== false && typeof target.addEventListener === 'function') {
    target.addEventListener('pagehide', onHide);
    target.document?.addEventListener('visibilitychange', onHide);
  }

  const telemetry: Telemetry = {
    instruments,
    meterProvider,
    isEnabled: () => enabled,
    enable() {
      if (enabled) return;
      enabled = true;
      sender.start();
    },
    async disable() {
      if (!enabled) return;
      enabled = false;
      await Promise.all([sender.stop(), dropHeld()]);
    },
    instrument(source) {
      return instrumentMonitor(source, instruments);
    },
    recordReleaseEvent(event, attributes) {
      return instruments.recordReleaseEvent(event, attributes);
    },
    recordTrainThroughput(samplesPerSecond, attributes) {
      return instruments.recordTrainThroughput(samplesPerSecond, attributes);
    },
    async flush() {
      if (!enabled) return;
      try {
        await reader.forceFlush();
      } catch (error) {
        onError(toEdgeflowError(error));
      }
    },
    async preview() {
      let [head] = await exporter.outbox.peek(1);
      if (head === undefined && enabled) {
        await telemetry.flush();
        [head] = await exporter.outbox.peek(1);
      }
      if (head === undefined) return null;
      return {
        url,
        headers: { ...headers, 'content-type': 'application/json', [BATCH_KEY_HEADER]: head.key },
        key: head.key,
        body: head.body,
        bytes: head.bytes,
      };
    },
    async purge() {
      await dropHeld();
      await exporter.outbox.purge();
    },
    async status() {
      const size = await exporter.outbox.size();
      return {
        enabled,
        outbox: exporter.outbox.kind,
        ...size,
        sender: sender.isSender(),
        stats: sender.stats,
      };
    },
    setErrorHandler(next) {
      handler = next;
    },
    async shutdown() {
      target.removeEventListener?.('pagehide', onHide);
      target.document?.removeEventListener('visibilitychange', onHide);
      // What the SDK holds goes to the outbox (durable) before everything stops.
      if (enabled) await telemetry.flush();
      enabled = false;
      await sender.stop();
      dropping = true;
      await meterProvider.shutdown().catch(() => undefined);
      exporter.outbox.close();
    },
  };
  if (options.enabled === true) telemetry.enable();
  return telemetry;
}
