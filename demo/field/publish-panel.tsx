import type { Lab } from 'edgeflow';
import { exportPublicKey } from 'edgeflow/edge';
import { useEffect, useState } from 'preact/hooks';
import { formatBytes, formatTime } from '../format.ts';
import { checkCollector, collectorState, pageSigningKey, signingKeyState } from './field-state.ts';
import { FieldError } from './publish/field-error.tsx';
import {
  type HostedReleases,
  hostedReleases,
  type PublishedRelease,
  publishedState,
  publishFromPage,
  rollbackChannel,
  setChannelRollout,
} from './publish/publish.ts';
import { useRegisteredModels } from './publish/use-registered.ts';

/** Downloads the page's public key set as the collector's `--release-keys-file`. */
async function downloadPublicKey(): Promise<void> {
  const key = await pageSigningKey();
  const json = `${JSON.stringify({ keys: [await exportPublicKey(key)] }, null, 2)}\n`;
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'release-keys.json';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function SignatureLine({ release }: { release: PublishedRelease }) {
  const s = release.signature;
  return s.state === 'verified' ? (
    <p class="ok" data-testid="publish-signature" data-state="verified">
      ✓ signature verified with this page’s public key (key <code>{s.keyId.slice(0, 12)}…</code>), manifest
      hash matches the channel, every file’s size and SHA-256 checked — as an edge client checks them.
    </p>
  ) : (
    <p class="bad" data-testid="publish-signature" data-state="failed">
      ✗ signature check failed: <code>{s.code}</code> — {s.message}
    </p>
  );
}

function ReleaseResult({ release }: { release: PublishedRelease }) {
  const what =
    release.kind === 'rollback'
      ? 'Rolled back'
      : release.kind === 'rollout'
        ? 'Rollout changed'
        : 'Published';
  return (
    <div class="publish-result-card" data-release={release.release} data-version={release.version}>
      <p>
        <strong>
          {what}: release {release.release}
        </strong>{' '}
        of <code>{release.model}</code> (registry version {release.version}) → channel{' '}
        <code>{release.channel}</code> at {release.rolloutPercent} % · {formatTime(release.publishedAt)}
      </p>
      <div class="table-scroll">
        <table class="compact" data-testid="publish-files">
          <caption class="visually-hidden">Files of release {release.release}</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col" class="num">
                Size
              </th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {release.files.map((f) => (
              <tr key={f.path} data-path={f.path}>
                <td>
                  <code>{f.path}</code>
                </td>
                <td class="num">{formatBytes(f.bytes)}</td>
                <td>
                  <code class="hash" title={f.sha256}>
                    {f.sha256}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td class="num">{formatBytes(release.totalBytes)}</td>
              <td class="small muted">
                manifest <code title={release.manifestSha256}>{release.manifestSha256.slice(0, 16)}…</code> ·{' '}
                {release.golden} golden pairs
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <SignatureLine release={release} />
    </div>
  );
}

function ChannelsTable({ hosted }: { hosted: HostedReleases }) {
  const channels = Object.entries(hosted.channels);
  if (channels.length === 0) return <p class="muted">No channel on the collector for this model yet.</p>;
  return (
    <table class="compact" data-testid="publish-channels">
      <caption class="visually-hidden">Channels on the collector</caption>
      <thead>
        <tr>
          <th scope="col">Channel</th>
          <th scope="col" class="num">
            Release
          </th>
          <th scope="col" class="num">
            Rollout
          </th>
        </tr>
      </thead>
      <tbody>
        {channels.map(([name, c]) => (
          <tr key={name} data-channel={name}>
            <td>
              <code>{name}</code>
            </td>
            <td class="num">{c.release}</td>
            <td class="num">{c.rolloutPercent} %</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The publish section: pick a registered version or alias, a channel and a rollout share, sign with
 * the page's key and publish to the collector; then see the release's files, hashes, size and its
 * signature checked as an edge client would; raise the rollout or roll the channel back.
 */
export function PublishPanel({ lab }: { lab: Lab }) {
  const models = useRegisteredModels(lab.registry);
  const key = signingKeyState.value;
  const collector = collectorState.value;
  const published = publishedState.value;
  const [modelName, setModelName] = useState<string | null>(null);
  const [version, setVersion] = useState<string>('');
  const [channel, setChannel] = useState('stable');
  const [rollout, setRollout] = useState('100');
  const [busy, setBusy] = useState(false);
  const [step, setStep] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [keyError, setKeyError] = useState<unknown>(null);
  const [hosted, setHosted] = useState<HostedReleases | null>(null);

  useEffect(() => {
    pageSigningKey().catch((e: unknown) => setKeyError(e));
    void checkCollector();
    // The collector may be restarted (e.g. to trust this page's key): keep the line honest.
    const timer = setInterval(() => void checkCollector(), 10_000);
    return () => clearInterval(timer);
  }, []);

  const model = models?.find((m) => m.name === modelName) ?? models?.[0] ?? null;
  useEffect(() => {
    if (model === null) return;
    if (modelName !== model.name) setModelName(model.name);
    const valid =
      model.aliases.some((a) => a.alias === version) ||
      model.versions.some((v) => String(v.version) === version);
    if (!valid)
      setVersion(
        model.aliases.find((a) => a.alias === 'champion')?.alias ?? String(model.versions[0]?.version ?? ''),
      );
  }, [model, modelName, version]);

  const refreshHosted = async (name: string): Promise<void> => {
    try {
      setHosted(await hostedReleases(name));
    } catch {
      setHosted(null);
    }
  };
  useEffect(() => {
    if (model !== null && collector.state === 'up') void refreshHosted(model.name);
  }, [model?.name, collector.state]);

  const rolloutNumber = Number(rollout);
  const rolloutValid =
    rollout.trim() !== '' && Number.isFinite(rolloutNumber) && rolloutNumber >= 0 && rolloutNumber <= 100;
  const channelValid = /^[a-z0-9][a-z0-9_-]{0,63}$/.test(channel);

  const run = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
      void checkCollector();
    } finally {
      setBusy(false);
      setStep(null);
      if (model !== null) void refreshHosted(model.name);
    }
  };

  const publish = () =>
    run(async () => {
      if (model === null) return;
      const asNumber = Number(version);
      await publishFromPage(lab, {
        model: model.name,
        version: /^\d+$/.test(version) ? asNumber : version,
        channel,
        rolloutPercent: rolloutNumber,
        onProgress: setStep,
      });
    });
  const latest = published.at(-1) ?? null;
  const channelNow = hosted?.channels[channel] ?? null;
  const rolloutFull = () =>
    run(async () => {
      if (model === null || channelNow === null) return;
      await setChannelRollout(lab, {
        model: model.name,
        channel,
        release: channelNow.release,
        rolloutPercent: 100,
        onProgress: setStep,
      });
    });
  const rollback = () =>
    run(async () => {
      if (model === null) return;
      await rollbackChannel(lab, { model: model.name, channel, onProgress: setStep });
    });

  return (
    <div class="publish-panel">
      <div class="key-line">
        <span>
          Signing key:{' '}
          {key ? (
            <>
              <code data-testid="signing-key-id" title={key.keyId}>
                {key.keyId}
              </code>{' '}
              <span class="muted small">
                ({key.algorithm}, generated by this page, kept in IndexedDB, private part not extractable)
              </span>
            </>
          ) : keyError ? (
            <span class="bad">could not be created</span>
          ) : (
            <span class="muted">generating…</span>
          )}
        </span>
        <button
          type="button"
          disabled={!key}
          onClick={() => void downloadPublicKey()}
          data-testid="download-public-key"
        >
          Download public key (release-keys.json)
        </button>
        <span class="small" data-testid="collector-state" data-state={collector.state}>
          Collector:{' '}
          {collector.state === 'up' ? (
            <span class="ok">reachable</span>
          ) : collector.state === 'down' ? (
            <span class="bad">not reachable — is `npm start` running?</span>
          ) : (
            <span class="muted">checking…</span>
          )}
        </span>
      </div>
      {keyError !== null && <FieldError error={keyError} />}

      {models === null ? (
        <p role="status" class="muted">
          Reading the registry…
        </p>
      ) : models.length === 0 || model === null ? (
        <p class="muted" data-testid="publish-empty">
          Nothing is registered yet. Train a model (section 2) and register or promote a version (section 3);
          it appears here to publish.
        </p>
      ) : (
        <form
          class="toolbar publish-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy && rolloutValid && channelValid) void publish();
          }}
        >
          {models.length > 1 && (
            <label class="field">
              Model
              <select
                data-testid="publish-model"
                value={model.name}
                onChange={(e) => setModelName(e.currentTarget.value)}
              >
                {models.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label class="field">
            Version to publish
            <select
              data-testid="publish-version"
              value={version}
              onChange={(e) => setVersion(e.currentTarget.value)}
            >
              {model.aliases.length > 0 && (
                <optgroup label="Aliases">
                  {model.aliases.map((a) => (
                    <option key={`a-${a.alias}`} value={a.alias}>
                      {a.alias} → v{a.version}
                    </option>
                  ))}
                </optgroup>
              )}
              <optgroup label="Versions">
                {model.versions.map((v) => (
                  <option key={`v-${v.version}`} value={String(v.version)}>
                    v{v.version}
                    {v.description ? ` · ${v.description.slice(0, 40)}` : ''}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
          <label class="field">
            Channel
            <input
              type="text"
              data-testid="publish-channel"
              value={channel}
              aria-invalid={!channelValid}
              aria-describedby="publish-channel-hint"
              onInput={(e) => setChannel(e.currentTarget.value.trim())}
            />
            <span id="publish-channel-hint" class={channelValid ? 'hint' : 'field-error'}>
              {channelValid ? 'e.g. stable, beta' : 'lower-case letters, digits, - or _'}
            </span>
          </label>
          <label class="field">
            Rollout %
            <input
              type="number"
              min={0}
              max={100}
              step={1}
              data-testid="publish-rollout"
              value={rollout}
              aria-invalid={!rolloutValid}
              aria-describedby="publish-rollout-hint"
              onInput={(e) => setRollout(e.currentTarget.value)}
            />
            <span id="publish-rollout-hint" class={rolloutValid ? 'hint' : 'field-error'}>
              {rolloutValid ? 'share of devices that take it' : 'a number from 0 to 100'}
            </span>
          </label>
          <button
            type="submit"
            class="primary"
            data-testid="publish-button"
            disabled={busy || !rolloutValid || !channelValid || key === null}
          >
            Publish
          </button>
        </form>
      )}

      {busy && (
        <p role="status" class="publish-progress" data-testid="publish-progress">
          <progress aria-label="Publishing" /> {step ?? 'Working…'}
        </p>
      )}
      {error !== null && <FieldError error={error} testId="publish-error" />}

      <section aria-live="polite" data-testid="publish-result" class="publish-result">
        {latest ? (
          <ReleaseResult release={latest} />
        ) : (
          <p class="muted">No release published from this page yet.</p>
        )}
      </section>

      {model !== null && (
        <div class="channel-actions">
          <h3>
            Channel <code>{channel}</code> on the collector
          </h3>
          {hosted ? (
            <ChannelsTable hosted={hosted} />
          ) : (
            <p class="muted">Nothing hosted for {model.name} yet.</p>
          )}
          <div class="toolbar">
            <button
              type="button"
              data-testid="rollout-full"
              disabled={busy || channelNow === null || channelNow.rolloutPercent >= 100}
              onClick={() => void rolloutFull()}
            >
              Roll out release {channelNow?.release ?? ''} to 100 %
            </button>
            <button
              type="button"
              class="danger"
              data-testid="rollback-channel"
              disabled={busy || channelNow === null}
              onClick={() => void rollback()}
            >
              Roll back channel
            </button>
          </div>
          <p class="hint">
            Devices refuse a lower release number than one they have seen (anti-rollback), so a rollback
            publishes the previous release’s model version again as the next release, at 100 %.
          </p>
        </div>
      )}

      {published.length > 1 && (
        <details class="publish-history">
          <summary>Published from this page ({published.length})</summary>
          <ul>
            {[...published].reverse().map((r) => (
              <li key={`${r.release}-${r.publishedAt}`}>
                {r.kind} · release {r.release} (v{r.version}) → {r.channel} at {r.rolloutPercent} % ·{' '}
                {r.signature.state === 'verified'
                  ? 'signature verified'
                  : `check failed (${r.signature.code})`}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
