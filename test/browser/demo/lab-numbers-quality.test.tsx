// Issue 18, point 4: the quality report said "0 cells imputed" next to missing values "the default
// pipeline imputes", "distinct 0" for a free-text column, and took a "." placeholder for a category
// without a word. Rendered from real ingests of the fixtures, in the browser.
import { render } from 'preact';
import { afterEach, expect, test } from 'vitest';
import { QualityReportView } from '../../../demo/data/quality-report.tsx';
import { ingestDataset } from '../../../src/data/ingest.ts';
import placeholders from '../../fixtures/data/placeholders.csv?raw';
import cars from '../../fixtures/data/regression-missing.csv?raw';

const hosts: HTMLElement[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) {
    render(null, host);
    host.remove();
  }
});

function mount(node: preact.ComponentChild): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  hosts.push(host);
  render(node, host);
  return host;
}

test('the totals agree with the missing-value issues, and a text column shows its distinct values', async () => {
  const ds = await ingestDataset(cars, { target: 'mpg', rowPolicy: 'impute' });
  const host = mount(<QualityReportView quality={ds.quality} />);
  const missingFeatureCells = ds.quality.columns
    .filter((c) => c.role === 'feature')
    .reduce((sum, c) => sum + c.missing, 0);
  expect(missingFeatureCells).toBeGreaterThan(0);
  expect(host.querySelector('[data-testid="quality-totals"]')?.textContent).toContain(
    `${missingFeatureCells} missing feature cells the pipeline imputes`,
  );
  expect(host.querySelector('[data-testid="distinct-name"]')?.textContent).toBe('251');
  expect(host.querySelector('[data-testid="placeholder-offer"]')).toBeNull();
});

test('a "." placeholder is flagged with an offer to reload treating it as missing', async () => {
  const ds = await ingestDataset(placeholders, { target: 'species', rowPolicy: 'impute' });
  const asked: string[][] = [];
  const host = mount(
    <QualityReportView quality={ds.quality} onTreatAsMissing={(values) => asked.push(values)} />,
  );
  const offer = host.querySelector('[data-testid="placeholder-offer"]');
  expect(offer?.textContent).toContain('"." in body_mass_g, sex');
  expect(offer?.textContent).toContain('"-" in observer');
  const button = host.querySelector('[data-testid="treat-placeholders-missing"]') as HTMLButtonElement;
  expect(button.textContent).toBe('Treat ".", "-" as missing and reload');
  button.click();
  expect(asked).toEqual([['.', '-']]);
  // Without a reload action there is no button, only the note.
  const readOnly = mount(<QualityReportView quality={ds.quality} />);
  expect(readOnly.querySelector('[data-testid="treat-placeholders-missing"]')).toBeNull();
});
