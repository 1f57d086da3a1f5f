// Issue 18.10 and 18.11 on the lab page: errors lead with their sentence (the code kept in a details
// element), and Delete is disabled on a version an alias points at, with the reason beside it.
import { render } from 'preact';
import { afterEach, expect, test } from 'vitest';
import { ErrorMessage } from '../../../demo/error-message.tsx';
import { errorText } from '../../../demo/format.ts';
import { VersionDeleteButton } from '../../../demo/registry/registry-panel.tsx';
import { EdgeflowError } from '../../../src/errors.ts';

const root = document.createElement('div');
document.body.append(root);
afterEach(() => render(null, root));

const conflict = new EdgeflowError(
  'VERSION_CONFLICT',
  'Version 2 of "iris" is aliased as champion; move the alias first.',
  { details: { model: 'iris', version: 2 } },
);

test('an error leads with its sentence; the code and details wait in a closed details element', () => {
  render(<ErrorMessage error={conflict} lead="Could not delete:" testId="err" />, root);
  const alert = root.querySelector('[role="alert"]') as HTMLElement;
  expect(alert.querySelector('p')?.textContent).toBe(
    'Could not delete: Version 2 of "iris" is aliased as champion; move the alias first.',
  );
  const details = alert.querySelector('details') as HTMLDetailsElement;
  expect(details.open).toBe(false);
  expect(root.querySelector('[data-testid="err-code"]')?.textContent).toBe('VERSION_CONFLICT');
  expect(details.textContent).toContain('"version": 2');
  // A plain error has no details element.
  render(<ErrorMessage error={new Error('Plain.')} />, root);
  expect(root.querySelector('details')).toBeNull();
  // The one-line form puts the sentence first too.
  expect(errorText(conflict)).toBe(
    'Version 2 of "iris" is aliased as champion; move the alias first. (VERSION_CONFLICT)',
  );
});

test('Delete is disabled on an aliased version and says which alias and what to do', () => {
  let deleted = 0;
  render(
    <div>
      <VersionDeleteButton version={2} aliases={['champion', 'beta']} onDelete={() => deleted++} />
      <VersionDeleteButton version={1} aliases={[]} onDelete={() => deleted++} />
    </div>,
    root,
  );
  const blocked = root.querySelector('[data-testid="delete-v2"]') as HTMLButtonElement;
  expect(blocked.disabled).toBe(true);
  const reason = root.querySelector(`#${blocked.getAttribute('aria-describedby')}`);
  expect(reason?.textContent).toContain('"champion", "beta" point at v2');
  expect(reason?.textContent).toContain('move those aliases to another version first');
  blocked.click();
  expect(deleted).toBe(0);
  const free = root.querySelector('[data-testid="delete-v1"]') as HTMLButtonElement;
  expect(free.disabled).toBe(false);
  expect(root.querySelector('[data-testid="delete-reason-v1"]')).toBeNull();
  free.click();
  expect(deleted).toBe(1);
});
