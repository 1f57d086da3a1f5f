import { createLab, type Lab } from 'edgeflow';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ComparePanel } from './compare/compare-panel.tsx';
import { DataPanel } from './data/data-panel.tsx';
import { ClientsPanel } from './field/clients-panel.tsx';
import { MaintainPanel } from './field/maintain-panel.tsx';
import { MonitorPanel } from './field/monitor-panel.tsx';
import { PublishPanel } from './field/publish-panel.tsx';
import { errorText } from './format.ts';
import { datasetState, labState, refreshStoredRuns } from './lab-state.ts';
import { RegistryPanel } from './registry/registry-panel.tsx';
import { RuntimePanel } from './runtime-panel.tsx';
import { TrainPanel } from './train/train-panel.tsx';
import { TryPanel } from './try/try-panel.tsx';

const SECTIONS = [
  { id: 'data', title: '1 · Data' },
  { id: 'train', title: '2 · Train' },
  { id: 'compare', title: '3 · Compare & promote' },
  { id: 'try', title: 'Try the model' },
  { id: 'registry', title: '4 · Registry' },
  { id: 'publish', title: '5 · Publish' },
  { id: 'clients', title: '6 · Edge clients' },
  { id: 'monitor', title: '7 · Monitor' },
  { id: 'maintain', title: '8 · Maintain' },
  { id: 'runtime', title: 'Runtime' },
] as const;

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section id={id} aria-labelledby={`${id}-heading`} data-testid={`section-${id}`}>
      {/* Focusable from script only: the skip link moves focus here when there is nothing to train yet. */}
      <h2 id={`${id}-heading`} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * A skip link before the data section's controls (issue 18, point 15): two Shift+Tab presses back
 * from "Load sample", then Enter, put focus on the Train button instead of tabbing through the
 * schema editor and quality report.
 */
function SkipToTrain() {
  return (
    <button
      type="button"
      class="skip-link"
      data-testid="skip-to-train"
      onClick={() => {
        const target =
          document.querySelector<HTMLButtonElement>('[data-testid="train-all"]:not(:disabled)') ??
          document.getElementById('train-heading');
        target?.focus();
        target?.scrollIntoView({ block: 'center' });
      }}
    >
      Skip to the Train button
    </button>
  );
}

/**
 * Refreshes the stored runs when a run changes anywhere, at most every 2 s: a training run changes
 * its record every epoch, and each refresh renders the compare section again (a run's end refreshes
 * at once, from `startRun`).
 */
function useStoredRuns(lab: Lab | null): void {
  useEffect(() => {
    if (!lab) return;
    void refreshStoredRuns(lab).catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = lab.registry.subscribe((change) => {
      if (change.type !== 'run-updated' && change.type !== 'runs-interrupted') return;
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void refreshStoredRuns(lab).catch(() => undefined);
      }, 2000);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [lab]);
}

/** The lab page: one lab (worker pool) for the page's lifetime, and its four sections. */
export function App() {
  const lab = labState.value;
  const dataset = datasetState.value;
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let created: Lab | undefined;
    // At least two workers, so two candidates really train side by side even on a two-core machine.
    const workers = Math.min(4, Math.max(2, (navigator.hardwareConcurrency || 2) - 1));
    createLab({ backend: 'auto', workers }).then(
      (l) => {
        created = l;
        labState.value = l;
      },
      (e: unknown) => setError(errorText(e)),
    );
    return () => {
      void created?.dispose();
    };
  }, []);
  useStoredRuns(lab);
  return (
    <>
      <header class="page-header">
        <h1>edgeflow lab</h1>
        <span class="muted">
          train, compare and ship models in your browser — the data never leaves the device
        </span>
        <nav aria-label="Sections" class="section-nav">
          {SECTIONS.map((s) => (
            <a key={s.id} href={`#${s.id}`}>
              {s.title}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {error && (
          <p role="alert" class="bad">
            {error}
          </p>
        )}
        {!lab && !error && <p role="status">Starting the lab workers…</p>}
        {lab && (
          <>
            <Section id="data" title="1 · Data">
              <SkipToTrain />
              <DataPanel lab={lab} />
            </Section>
            <Section id="train" title="2 · Train">
              {dataset ? (
                dataset.schema.target ? (
                  <TrainPanel lab={lab} dataset={dataset} />
                ) : (
                  <p class="muted">Pick a target column in the schema above, then reload, to train.</p>
                )
              ) : (
                <p class="muted">Load a dataset first.</p>
              )}
            </Section>
            <Section id="compare" title="3 · Compare & promote">
              <ComparePanel lab={lab} />
            </Section>
            <Section id="try" title="Try the model">
              <TryPanel lab={lab} />
            </Section>
            <Section id="registry" title="4 · Registry">
              <RegistryPanel registry={lab.registry} exportVersion={lab.exportVersion} />
            </Section>
            <Section id="publish" title="5 · Publish">
              <PublishPanel lab={lab} />
            </Section>
            <Section id="clients" title="6 · Edge clients">
              <ClientsPanel lab={lab} />
            </Section>
            <Section id="monitor" title="7 · Monitor">
              <MonitorPanel lab={lab} />
            </Section>
            <Section id="maintain" title="8 · Maintain">
              <MaintainPanel lab={lab} />
            </Section>
            <Section id="runtime" title="Runtime">
              <RuntimePanel lab={lab} />
            </Section>
          </>
        )}
      </main>
    </>
  );
}
