import { createLab, type Lab } from 'edgeflow';
import { useEffect, useState } from 'preact/hooks';
import { RuntimePanel } from './runtime-panel.tsx';

/** The lab page: one lab (worker pool) for the page's lifetime. */
export function App() {
  const [lab, setLab] = useState<Lab | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let created: Lab | undefined;
    createLab({ backend: 'auto' }).then(
      (l) => {
        created = l;
        setLab(l);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      void created?.dispose();
    };
  }, []);
  return (
    <>
      <header>
        <h1>edgeflow lab</h1>
        <span class="muted">train, compare and ship models in your browser — data never leaves the device</span>
      </header>
      <main>
        {error && <p role="alert" class="bad">{error}</p>}
        {lab ? <RuntimePanel lab={lab} /> : !error && <p role="status">Starting the lab workers…</p>}
      </main>
    </>
  );
}
