// Loopback key enrolment: `npm start` runs the collector with no admin token and no
// --release-keys-file, so a page on this machine enrols the key it generated
// (`POST /api/release-keys`) and then publishes with it. The keyring is kept in
// `<data-dir>/release-keys.json` and reloaded on restart; enrolment is refused with an admin token
// or an operator-managed keys file, and every bad entry gets a 400 naming its field.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrolReleaseKey, uploadRelease } from 'edgeflow/edge';
import { EdgeflowError } from 'edgeflow/errors';
import {
  exportPublicKey,
  generateSigningKey,
  type PublicKeyEntry,
  type SigningKey,
  serializeEnvelope,
  sha256Hex,
  signReleaseManifest,
} from 'edgeflow/release';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { MAX_ENROLLED_KEYS } from '../src/release-keys.ts';
import { type CollectorOptions, type RunningCollector, startCollector } from '../src/server.ts';

const root = mkdtempSync(join(tmpdir(), 'edgeflow-key-enrolment-'));
const running: RunningCollector[] = [];
let folders = 0;

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function freshDataDir(): string {
  folders += 1;
  return join(root, `data-${folders}`);
}

async function start(options: CollectorOptions): Promise<RunningCollector> {
  const collector = await startCollector({ port: 0, ...options });
  running.push(collector);
  return collector;
}

const modelJson = new TextEncoder().encode(JSON.stringify({ modelTopology: {}, weightsManifest: [] }));

async function signedRelease(
  release: number,
  signer: SigningKey,
): Promise<{ manifestText: string; files: Map<string, Uint8Array> }> {
  const now = Date.now();
  const files = new Map([['model.json', modelJson]]);
  const manifest = {
    format: 'edgeflow-release' as const,
    formatVersion: 1 as const,
    model: 'iris',
    release,
    version: release,
    createdAt: now,
    expiresAt: now + 86_400_000,
    files: [{ path: 'model.json', bytes: modelJson.length, sha256: await sha256Hex(modelJson) }],
    pipeline: null,
    profile: null,
    signature: null,
    metrics: {},
    lineage: { runId: 'run-1', datasetFingerprint: null },
    golden: [],
    goldenTolerance: 0.001,
  };
  return { manifestText: serializeEnvelope(await signReleaseManifest(manifest, signer)), files };
}

function upload(
  collector: RunningCollector,
  release: { manifestText: string; files: Map<string, Uint8Array> },
  token?: string,
): Promise<Response> {
  const form = new FormData();
  form.set('manifest', new Blob([release.manifestText], { type: 'application/json' }), 'manifest.json');
  for (const [path, bytes] of release.files) form.set(path, new Blob([bytes as BufferSource]), path);
  return fetch(new URL('/api/releases', collector.url), {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

function enrol(
  collector: RunningCollector,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(new URL('/api/release-keys', collector.url), {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function listKeys(
  collector: RunningCollector,
  token?: string,
): Promise<{ source: string; enrolment: string; keys: { keyId: string; algorithm: string }[] }> {
  const response = await fetch(new URL('/api/release-keys', collector.url), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    source: string;
    enrolment: string;
    keys: { keyId: string; algorithm: string }[];
  };
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('loopback enrolment on a collector without admin token or keys file (npm start)', () => {
  test('uploads are refused until the key is enrolled; after enrolment a signed release uploads; the keyring is persisted atomically', async () => {
    const dataDir = freshDataDir();
    const collector = await start({ dataDir });
    expect(collector.notes.join('\n')).toContain('loopback key enrolment on');
    const key = await generateSigningKey({ algorithm: 'Ed25519' });
    const release = await signedRelease(1, key);

    const before = await upload(collector, release);
    expect(before.status).toBe(403);
    const refusal = await errorOf(before);
    expect(refusal.code).toBe('FORBIDDEN');
    expect(refusal.message).toContain('/api/release-keys');
    expect(await listKeys(collector)).toEqual({ source: 'none', enrolment: 'loopback', keys: [] });

    const entry = await exportPublicKey(key);
    const response = await enrol(collector, { keys: [entry] });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      added: [key.keyId],
      keys: [{ keyId: key.keyId, algorithm: 'Ed25519' }],
    });
    expect(await listKeys(collector)).toEqual({
      source: 'enrolled',
      enrolment: 'loopback',
      keys: [{ keyId: key.keyId, algorithm: 'Ed25519' }],
    });

    expect((await upload(collector, release)).status).toBe(201);
    expect((await fetch(new URL('/releases/iris/1/manifest.json', collector.url))).status).toBe(200);

    const file = join(dataDir, 'release-keys.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ keys: [entry] });
    expect(readdirSync(dataDir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  test('enrolling a trusted key again answers 200 and changes nothing', async () => {
    const dataDir = freshDataDir();
    const collector = await start({ dataDir });
    const key = await generateSigningKey({ algorithm: 'ECDSA-P256-SHA256' });
    const entry = await exportPublicKey(key);
    expect((await enrol(collector, { keys: [entry] })).status).toBe(201);
    const file = join(dataDir, 'release-keys.json');
    const written = readFileSync(file, 'utf8');

    const again = await enrol(collector, { keys: [entry, entry] });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({
      added: [],
      keys: [{ keyId: key.keyId, algorithm: 'ECDSA-P256-SHA256' }],
    });
    expect(readFileSync(file, 'utf8')).toBe(written);
  });

  test('concurrent enrolments of different keys all end up trusted and persisted', async () => {
    const dataDir = freshDataDir();
    const collector = await start({ dataDir });
    const keys = await Promise.all([1, 2, 3, 4].map(() => generateSigningKey({ algorithm: 'Ed25519' })));
    const answers = await Promise.all(
      keys.map(async (k) => enrol(collector, { keys: [await exportPublicKey(k)] })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    const persisted = JSON.parse(readFileSync(join(dataDir, 'release-keys.json'), 'utf8')) as {
      keys: PublicKeyEntry[];
    };
    expect(persisted.keys.map((k) => k.keyId).sort()).toEqual(keys.map((k) => k.keyId).sort());
    expect((await listKeys(collector)).keys).toHaveLength(4);
  });

  test('the enrolled keyring survives a restart: the key still verifies uploads', async () => {
    const dataDir = freshDataDir();
    const key = await generateSigningKey({ algorithm: 'Ed25519' });
    const first = await start({ dataDir });
    expect((await enrol(first, { keys: [await exportPublicKey(key)] })).status).toBe(201);
    expect((await upload(first, await signedRelease(1, key))).status).toBe(201);
    await first.close();

    const second = await start({ dataDir });
    expect(second.notes.join('\n')).toContain('1 trusted key(s) from enrolment');
    expect((await listKeys(second)).keys).toEqual([{ keyId: key.keyId, algorithm: 'Ed25519' }]);
    expect((await upload(second, await signedRelease(2, key))).status).toBe(201);
  });

  test('a corrupt enrolled keyring stops the start with a sentence naming the file', async () => {
    const dataDir = freshDataDir();
    const first = await start({ dataDir });
    await first.close();
    writeFileSync(join(dataDir, 'release-keys.json'), '{"keys":[{"keyId":"nope"}]}');
    const failure = await startCollector({ port: 0, dataDir }).then(
      (c) => {
        running.push(c);
        return null;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(EdgeflowError);
    expect((failure as EdgeflowError).code).toBe('INVALID_ARGUMENT');
    expect((failure as EdgeflowError).message).toContain(join(dataDir, 'release-keys.json'));
  });
});

describe('bad keys are refused with 400 naming the field, and nothing is trusted', () => {
  test('key id mismatch, unknown algorithm, algorithm/JWK mismatch, malformed JWK, empty list, not JSON', async () => {
    const dataDir = freshDataDir();
    const collector = await start({ dataDir });
    const ed = await exportPublicKey(await generateSigningKey({ algorithm: 'Ed25519' }));
    const other = await exportPublicKey(await generateSigningKey({ algorithm: 'Ed25519' }));
    const ec = await exportPublicKey(await generateSigningKey({ algorithm: 'ECDSA-P256-SHA256' }));

    const cases: [unknown, string][] = [
      [{ keys: [{ ...ed, keyId: other.keyId }] }, '"keys[0].keyId"'],
      [{ keys: [{ ...ed, algorithm: 'RSA-PSS' }] }, '"keys.0.algorithm"'],
      [{ keys: [{ ...ec, algorithm: 'Ed25519' }] }, '"keys[0].jwk"'],
      [{ keys: [ed, { ...ec, jwk: { ...ec.jwk, x: 'AAAA' } }] }, '"keys[1].jwk"'],
      [{ keys: [{ ...ed, jwk: { kty: 'OKP', crv: 'Ed25519' } }] }, '"keys.0.jwk.x"'],
      [{ keys: [{ ...ed, keyId: 'ABC' }] }, '"keys.0.keyId"'],
      [{ keys: [] }, '"keys"'],
      [{ key: ed }, '"keys"'],
    ];
    for (const [body, field] of cases) {
      const response = await enrol(collector, body);
      expect(response.status, field).toBe(400);
      const error = await errorOf(response);
      expect(error.code, field).toBe('INVALID_ARGUMENT');
      expect(error.message, field).toContain(field);
    }
    const notJson = await enrol(collector, '{"keys": [');
    expect(notJson.status).toBe(400);
    expect((await errorOf(notJson)).code).toBe('PARSE_ERROR');

    expect((await listKeys(collector)).keys).toEqual([]);
    expect(existsSync(join(dataDir, 'release-keys.json'))).toBe(false);
  });

  test(`past ${MAX_ENROLLED_KEYS} keys the enrolment is refused and the keyring is unchanged`, async () => {
    const dataDir = freshDataDir();
    const collector = await start({ dataDir });
    const entries = await Promise.all(
      Array.from({ length: MAX_ENROLLED_KEYS + 1 }, async () =>
        exportPublicKey(await generateSigningKey({ algorithm: 'Ed25519' })),
      ),
    );
    const tooMany = await enrol(collector, { keys: entries });
    expect(tooMany.status).toBe(400);
    expect((await errorOf(tooMany)).message).toContain(`at most ${MAX_ENROLLED_KEYS}`);
    expect((await listKeys(collector)).keys).toEqual([]);
    expect((await enrol(collector, { keys: entries.slice(0, MAX_ENROLLED_KEYS) })).status).toBe(201);
    expect((await enrol(collector, { keys: entries.slice(MAX_ENROLLED_KEYS) })).status).toBe(400);
    expect((await listKeys(collector)).keys).toHaveLength(MAX_ENROLLED_KEYS);
  });

  test('a cross-site simple request (text/plain) gets 415 and a non-loopback Host (DNS rebinding) gets 403', async () => {
    const collector = await start({ dataDir: freshDataDir() });
    const entry = await exportPublicKey(await generateSigningKey({ algorithm: 'Ed25519' }));
    const plain = await enrol(collector, { keys: [entry] }, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);

    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        new URL('/api/release-keys', collector.url),
        { method: 'POST', headers: { host: 'attacker.example:4318', 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ keys: [entry] }));
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('attacker.example');
    expect((await listKeys(collector)).keys).toEqual([]);
  });
});

describe('enrolment is refused where the operator manages keys', () => {
  test('with an admin token: 403 FORBIDDEN saying why and what to do; GET lists with the token', async () => {
    const token = 'admin-secret';
    const collector = await start({ dataDir: freshDataDir(), adminToken: token });
    expect(collector.notes.join('\n')).toContain('key enrolment off');
    const entry = await exportPublicKey(await generateSigningKey({ algorithm: 'Ed25519' }));
    const response = await enrol(collector, { keys: [entry] }, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(403);
    const error = await errorOf(response);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('admin token');
    expect(error.message).toContain('--release-keys-file');
    expect(await listKeys(collector, token)).toEqual({ source: 'none', enrolment: 'refused', keys: [] });
    expect((await fetch(new URL('/api/release-keys', collector.url))).status).toBe(401);
  });

  test('with --release-keys-file: 403 naming the file; the file keys are listed and used', async () => {
    const dataDir = freshDataDir();
    const trusted = await generateSigningKey({ algorithm: 'Ed25519' });
    const keysFile = join(root, `operator-keys-${folders}.json`);
    writeFileSync(keysFile, JSON.stringify({ keys: [await exportPublicKey(trusted)] }));
    const collector = await start({ dataDir, releaseKeysFile: keysFile });
    const newcomer = await exportPublicKey(await generateSigningKey({ algorithm: 'Ed25519' }));
    const response = await enrol(collector, { keys: [newcomer] });
    expect(response.status).toBe(403);
    const error = await errorOf(response);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain(keysFile);
    expect(await listKeys(collector)).toEqual({
      source: 'keys-file',
      enrolment: 'refused',
      keys: [{ keyId: trusted.keyId, algorithm: 'Ed25519' }],
    });
    expect(existsSync(join(dataDir, 'release-keys.json'))).toBe(false);
    expect((await upload(collector, await signedRelease(1, trusted))).status).toBe(201);
  });
});

describe('library: enrolReleaseKey + uploadRelease (edgeflow/edge)', () => {
  test('a browser-style non-extractable key enrols, re-enrols as a no-op and publishes', async () => {
    const collector = await start({ dataDir: freshDataDir() });
    const target = { url: collector.url };
    const key = await generateSigningKey();
    expect(key.privateKey.extractable).toBe(false);
    expect(await enrolReleaseKey(target, key)).toEqual({ keyId: key.keyId, added: true });
    expect(await enrolReleaseKey(target, await exportPublicKey(key))).toEqual({
      keyId: key.keyId,
      added: false,
    });
    const release = await signedRelease(1, key);
    await uploadRelease(target, {
      manifest: JSON.parse(JSON.parse(release.manifestText).payload),
      manifestText: release.manifestText,
      manifestSha256: await sha256Hex(release.manifestText),
      files: release.files,
    });
    const served = await fetch(new URL('/releases/iris/1/manifest.json', collector.url));
    expect(await served.text()).toBe(release.manifestText);
  });

  test('refusals and bad keys surface as EdgeflowError codes', async () => {
    const token = 'admin-secret';
    const guarded = await start({ dataDir: freshDataDir(), adminToken: token });
    const key = await generateSigningKey({ algorithm: 'Ed25519' });
    const refused = await enrolReleaseKey({ url: guarded.url, token }, key).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EdgeflowError);
    expect((refused as EdgeflowError).code).toBe('FORBIDDEN');
    expect((refused as EdgeflowError).message).toContain('--release-keys-file');

    const open = await start({ dataDir: freshDataDir() });
    const other = await generateSigningKey({ algorithm: 'Ed25519' });
    const bad = await enrolReleaseKey(
      { url: open.url },
      { ...(await exportPublicKey(key)), keyId: other.keyId },
    ).catch((e: unknown) => e);
    expect((bad as EdgeflowError).code).toBe('INVALID_ARGUMENT');
    expect((bad as EdgeflowError).message).toContain('keys[0].keyId');

    await open.close();
    const offline = await enrolReleaseKey({ url: open.url }, key).catch((e: unknown) => e);
    expect((offline as EdgeflowError).code).toBe('NETWORK_ERROR');
  });
});
