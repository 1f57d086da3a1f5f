import type { DatasetSummary } from 'edgeflow/data';
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { type Candidate, type CandidateForm, fieldOfIssue, PRESET_LABELS, specFromForm } from './presets.ts';
import { type SpecProblem, specProblems } from './spec-issues.ts';

interface CandidateEditorProps {
  candidate: Candidate;
  dataset: DatasetSummary;
  onChange: (next: Candidate) => void;
  onRemove: (() => void) | null;
  disabled: boolean;
}

const ACTIVATIONS = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'swish', 'linear'];

/** The problems of a candidate's spec against the library's parser (empty when valid). */
export function candidateProblems(candidate: Candidate, dataset: DatasetSummary): SpecProblem[] {
  return specProblems(specFromForm(candidate.form, dataset));
}

/**
 * Edits one candidate's spec in a form. Every keystroke re-runs the library's spec parser; each
 * problem is shown under the field it belongs to (`aria-invalid` and `aria-describedby` set).
 */
export function CandidateEditor({ candidate, dataset, onChange, onRemove, disabled }: CandidateEditorProps) {
  const { form } = candidate;
  const problems = useMemo(() => candidateProblems(candidate, dataset), [candidate, dataset]);
  const byField = new Map<string, SpecProblem[]>();
  for (const problem of problems) {
    const field = fieldOfIssue(problem.path) ?? 'form';
    // Text that is not a number reaches the parser as NaN; say what was typed instead.
    const typed = field in form ? String(form[field as keyof CandidateForm]).trim() : '';
    const message =
      typed !== '' && typed.split(/[\s,]+/).some((part) => Number.isNaN(Number(part)))
        ? `"${typed}" is not a number${field === 'hidden' || field === 'filters' ? ' list' : ''}.`
        : problem.message;
    byField.set(field, [...(byField.get(field) ?? []), { ...problem, message }]);
  }
  const id = (field: string): string => `${candidate.key}-${field}`;
  const set = <K extends keyof CandidateForm>(field: K, value: CandidateForm[K]): void =>
    onChange({ ...candidate, form: { ...form, [field]: value } });
  const text = (field: keyof CandidateForm, label: string, hint?: string): JSX.Element => {
    const errors = byField.get(field) ?? [];
    return (
      <div class="field">
        <label for={id(field)}>{label}</label>
        <input
          id={id(field)}
          type="text"
          inputMode="decimal"
          value={String(form[field])}
          disabled={disabled}
          aria-invalid={errors.length > 0}
          aria-describedby={errors.length ? id(`${field}-error`) : undefined}
          onInput={(e) => set(field, e.currentTarget.value as never)}
        />
        {hint && errors.length === 0 && <span class="hint">{hint}</span>}
        {errors.length > 0 && (
          <span class="field-error" id={id(`${field}-error`)}>
            {errors.map((e) => e.message).join(' ')}
          </span>
        )}
      </div>
    );
  };
  const general = byField.get('form') ?? [];
  return (
    <fieldset class="candidate" data-testid="candidate" aria-invalid={problems.length > 0}>
      <legend>
        <input
          class="candidate-name"
          aria-label="Candidate name"
          value={candidate.name}
          disabled={disabled}
          onInput={(e) => onChange({ ...candidate, name: e.currentTarget.value })}
        />
        <span class="muted"> from {PRESET_LABELS[candidate.preset]}</span>
      </legend>
      <div class="field-grid">
        <div class="field">
          <label for={id('architecture')}>Architecture</label>
          <select
            id={id('architecture')}
            value={form.architecture}
            disabled={disabled}
            onChange={(e) => set('architecture', e.currentTarget.value as CandidateForm['architecture'])}
          >
            <option value="linear">linear</option>
            <option value="mlp">mlp</option>
            <option value="cnn">cnn</option>
          </select>
          {(byField.get('architecture') ?? []).map((p) => (
            <span class="field-error" key={p.message}>
              {p.message}
            </span>
          ))}
        </div>
        {form.architecture !== 'linear' &&
          text(
            'hidden',
            form.architecture === 'cnn' ? 'Dense head units' : 'Hidden units',
            'comma-separated',
          )}
        {form.architecture === 'cnn' && text('filters', 'Conv filters per block', 'comma-separated')}
        {form.architecture !== 'linear' && (
          <div class="field">
            <label for={id('activation')}>Activation</label>
            <select
              id={id('activation')}
              value={form.activation}
              disabled={disabled}
              onChange={(e) => set('activation', e.currentTarget.value)}
            >
              {ACTIVATIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
        )}
        {form.architecture !== 'linear' && text('dropout', 'Dropout', '0 to < 1')}
        <div class="field">
          <label for={id('optimizer')}>Optimizer</label>
          <select
            id={id('optimizer')}
            value={form.optimizer}
            disabled={disabled}
            onChange={(e) => set('optimizer', e.currentTarget.value as CandidateForm['optimizer'])}
          >
            <option value="adam">adam</option>
            <option value="sgd">sgd</option>
            <option value="rmsprop">rmsprop</option>
          </select>
        </div>
        {text('learningRate', 'Learning rate')}
        {text('epochs', 'Epochs')}
        {text('batchSize', 'Batch size')}
        {text('seed', 'Seed')}
        {text('patience', 'Early-stop patience', 'empty: off')}
        {form.architecture === 'mlp' && (
          <div class="field checkbox">
            <input
              id={id('batchNorm')}
              type="checkbox"
              checked={form.batchNorm}
              disabled={disabled}
              onChange={(e) => set('batchNorm', e.currentTarget.checked)}
            />
            <label for={id('batchNorm')}>Batch norm</label>
          </div>
        )}
      </div>
      {general.length > 0 && (
        <p class="field-error" role="alert">
          {general.map((p) => `${p.path}: ${p.message}`).join(' ')}
        </p>
      )}
      <p class="candidate-status">
        {problems.length === 0 ? (
          <span class="ok">Spec is valid.</span>
        ) : (
          <span class="bad">
            {problems.length} problem{problems.length === 1 ? '' : 's'} to fix.
          </span>
        )}
        {onRemove && (
          <button type="button" class="link" onClick={onRemove} disabled={disabled}>
            Remove {candidate.name}
          </button>
        )}
      </p>
    </fieldset>
  );
}
