// Candidate presets and the form model behind the candidate editor: the form keeps what the user
// typed (strings), and `specFromForm` turns it into a spec object for the spec parser to judge.
import type { ModelSpecInput } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';

/** The preset a candidate started from. */
export type PresetId = 'linear' | 'mlp-small' | 'mlp-wide' | 'cnn';

/** What the candidate form edits; text fields stay text until `specFromForm`. */
export interface CandidateForm {
  architecture: 'linear' | 'mlp' | 'cnn';
  /** Hidden layer sizes (MLP) or dense head sizes (CNN), comma-separated. */
  hidden: string;
  /** Conv filters per block (CNN), comma-separated. */
  filters: string;
  activation: string;
  dropout: string;
  batchNorm: boolean;
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  learningRate: string;
  epochs: string;
  batchSize: string;
  seed: string;
  /** Early-stopping patience in epochs; empty turns early stopping off. */
  patience: string;
}

/** One candidate of the train section. */
export interface Candidate {
  key: string;
  name: string;
  preset: PresetId;
  form: CandidateForm;
}

/** Labels of the presets, in menu order. */
export const PRESET_LABELS: Record<PresetId, string> = {
  linear: 'Linear',
  'mlp-small': 'Small MLP',
  'mlp-wide': 'Wider MLP + dropout',
  cnn: 'Small CNN',
};

const BASE: Omit<CandidateForm, 'architecture' | 'hidden' | 'dropout' | 'learningRate'> = {
  filters: '8, 16',
  activation: 'relu',
  batchNorm: false,
  optimizer: 'adam',
  epochs: '12',
  batchSize: '32',
  seed: '42',
  patience: '',
};

/** The form of a preset. */
export function presetForm(preset: PresetId): CandidateForm {
  switch (preset) {
    case 'linear':
      return { ...BASE, architecture: 'linear', hidden: '', dropout: '0', learningRate: '0.03' };
    case 'mlp-small':
      return { ...BASE, architecture: 'mlp', hidden: '16', dropout: '0', learningRate: '0.01' };
    case 'mlp-wide':
      return { ...BASE, architecture: 'mlp', hidden: '64, 32', dropout: '0.2', learningRate: '0.005' };
    case 'cnn':
      return { ...BASE, architecture: 'cnn', hidden: '32', dropout: '0.1', learningRate: '0.005' };
  }
}

/**
 * The square image side when the dataset looks like an image: every feature numeric and their
 * count a perfect square of at least 8×8 (pixels flattened row by row, one channel). Null otherwise.
 */
export function imageSide(dataset: DatasetSummary): number | null {
  const features = dataset.schema.columns.filter((c) => c.role === 'feature');
  if (features.some((c) => c.type !== 'numeric' && c.type !== 'integer')) return null;
  const side = Math.round(Math.sqrt(features.length));
  return side >= 8 && side * side === features.length ? side : null;
}

/** The presets that fit a dataset (CNN only for image-shaped data). */
export function presetsFor(dataset: DatasetSummary): PresetId[] {
  return imageSide(dataset) === null
    ? ['linear', 'mlp-small', 'mlp-wide']
    : ['linear', 'mlp-small', 'mlp-wide', 'cnn'];
}

function numberList(text: string): number[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/[\s,]+/).map((part) => Number(part));
}

/** A field of the text inputs read as a number; empty text reads as NaN so the parser names the field. */
function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** The spec the form describes, for the dataset's task (not yet validated). */
export function specFromForm(form: CandidateForm, dataset: DatasetSummary): ModelSpecInput {
  const task = dataset.schema.target?.task ?? 'classification';
  const architecture = (() => {
    switch (form.architecture) {
      case 'linear':
        return { type: 'linear' as const };
      case 'mlp':
        return {
          type: 'mlp' as const,
          hidden: numberList(form.hidden),
          activation: form.activation,
          dropout: numberOf(form.dropout),
          batchNorm: form.batchNorm,
        };
      case 'cnn': {
        const side = imageSide(dataset) ?? 1;
        return {
          type: 'cnn' as const,
          inputShape: [side, side, 1],
          blocks: numberList(form.filters).map((filters) => ({ filters })),
          dense: numberList(form.hidden),
          activation: form.activation,
          dropout: numberOf(form.dropout),
        };
      }
    }
  })();
  const spec: Record<string, unknown> = {
    task,
    architecture,
    optimizer: form.optimizer,
    learningRate: numberOf(form.learningRate),
    epochs: numberOf(form.epochs),
    batchSize: numberOf(form.batchSize),
    seed: numberOf(form.seed),
  };
  if (form.patience.trim() !== '') {
    spec.earlyStopping = { monitor: 'val_loss', patience: numberOf(form.patience), restoreBestWeights: true };
  }
  // The parser is the judge of this object; the cast only hands it over.
  return spec as ModelSpecInput;
}

/** Which form field a spec issue path belongs to (null: show it on the whole form). */
export function fieldOfIssue(path: string): keyof CandidateForm | null {
  if (path.startsWith('architecture.hidden') || path.startsWith('architecture.dense')) return 'hidden';
  if (path.startsWith('architecture.blocks')) return 'filters';
  if (path.startsWith('architecture.activation')) return 'activation';
  if (path.startsWith('architecture.dropout')) return 'dropout';
  if (path.startsWith('architecture')) return 'architecture';
  if (path.startsWith('optimizer')) return 'optimizer';
  if (path.startsWith('earlyStopping')) return 'patience';
  for (const field of ['learningRate', 'epochs', 'batchSize', 'seed'] as const) {
    if (path.startsWith(field)) return field;
  }
  return null;
}

/** The experiment setup of the train section, as typed: held-out shares and k-fold cross-validation. */
export interface ExperimentSetup {
  validation: string;
  test: string;
  /** Whether each candidate is cross-validated (k runs) instead of trained once. */
  crossValidate: boolean;
  folds: string;
}

/** The library's default split, and 5 folds when cross-validation is switched on. */
export const DEFAULT_EXPERIMENT: ExperimentSetup = {
  validation: '0.15',
  test: '0.15',
  crossValidate: false,
  folds: '5',
};

/** What one candidate's runs are trained with: one split, or k fold splits. */
export type ExperimentPlan =
  | { kind: 'single'; split: { validation: number; test: number } }
  | { kind: 'k-fold'; folds: number; validation: number };

/**
 * The plan an experiment setup describes, or the problems that stop it (each names the field and
 * the value and says what is allowed).
 */
export function experimentPlan(
  setup: ExperimentSetup,
  rowCount: number,
): { plan: ExperimentPlan | null; problems: string[] } {
  const problems: string[] = [];
  const share = (text: string, label: string): number => {
    const value = Number(text.trim() === '' ? Number.NaN : text);
    if (!(value >= 0 && value < 1))
      problems.push(`The ${label} share must be a number from 0 up to (not including) 1, got "${text}".`);
    return value;
  };
  const validation = share(setup.validation, 'validation');
  if (setup.crossValidate) {
    const folds = Number(setup.folds);
    if (!Number.isInteger(folds) || folds < 2 || folds > Math.min(20, rowCount)) {
      problems.push(
        `Folds must be a whole number from 2 to ${Math.min(20, rowCount)}, got "${setup.folds}".`,
      );
    }
    return { plan: problems.length > 0 ? null : { kind: 'k-fold', folds, validation }, problems };
  }
  const test = share(setup.test, 'test');
  if (problems.length === 0 && validation + test >= 0.95) {
    problems.push(
      `Validation ${validation} + test ${test} leaves under 5% of the rows to train on: lower one of them.`,
    );
  }
  if (problems.length === 0 && test === 0) {
    problems.push('The test share must be above 0: runs are scored (and compared) on their test rows.');
  }
  return { plan: problems.length > 0 ? null : { kind: 'single', split: { validation, test } }, problems };
}
