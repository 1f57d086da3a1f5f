import type { ColumnRole, ColumnType, DatasetSchema, SchemaInput, Task } from 'edgeflow/data';
import { useEffect, useState } from 'preact/hooks';

const TYPES: readonly ColumnType[] = ['numeric', 'integer', 'boolean', 'categorical', 'date', 'text'];
const ROLES: readonly ColumnRole[] = ['feature', 'target', 'ignored'];

interface EditableColumn {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  note: string | undefined;
}

interface SchemaEditorProps {
  schema: DatasetSchema;
  busy: boolean;
  /** Reloads the source with the edited schema and target. */
  onApply: (target: string | null, task: Task | undefined, schema: SchemaInput) => void;
}

/**
 * The inferred schema as an editable table: each column's type and role (one target at most), and
 * the target's task. "Reload with this schema" loads the same source again with the overrides.
 */
export function SchemaEditor({ schema, busy, onApply }: SchemaEditorProps) {
  const initial = (): EditableColumn[] =>
    schema.columns.map((c) => ({ name: c.name, type: c.type, role: c.role, note: c.note }));
  const [columns, setColumns] = useState<EditableColumn[]>(initial);
  const [task, setTask] = useState<Task | ''>(schema.target?.task ?? '');
  useEffect(() => {
    setColumns(initial());
    setTask(schema.target?.task ?? '');
  }, [schema]);

  const target = columns.find((c) => c.role === 'target') ?? null;
  const changed =
    (target?.name ?? null) !== (schema.target?.name ?? null) ||
    (task || undefined) !== schema.target?.task ||
    columns.some((c, i) => c.type !== schema.columns[i]?.type || c.role !== schema.columns[i]?.role);
  const setColumn = (index: number, patch: Partial<EditableColumn>): void => {
    setColumns((current) =>
      current.map((c, i) => {
        if (i === index) return { ...c, ...patch };
        // One target: choosing a new one makes the old one a feature again.
        if (patch.role === 'target' && c.role === 'target') return { ...c, role: 'feature' };
        return c;
      }),
    );
  };
  const apply = (): void => {
    onApply(target?.name ?? null, task === '' || target === null ? undefined : task, {
      columns: columns.map((c) => ({ name: c.name, type: c.type, role: c.role })),
    });
  };
  return (
    <div class="schema-editor">
      <div class="table-scroll">
        <table aria-label="Schema">
          <thead>
            <tr>
              <th scope="col">column</th>
              <th scope="col">type</th>
              <th scope="col">role</th>
              <th scope="col">note</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((column, index) => (
              <tr key={column.name} class={column.role === 'target' ? 'target-row' : undefined}>
                <th scope="row">{column.name}</th>
                <td>
                  <select
                    aria-label={`Type of ${column.name}`}
                    value={column.type}
                    disabled={busy}
                    onChange={(e) => setColumn(index, { type: e.currentTarget.value as ColumnType })}
                  >
                    {TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <select
                    aria-label={`Role of ${column.name}`}
                    value={column.role}
                    disabled={busy}
                    onChange={(e) => setColumn(index, { role: e.currentTarget.value as ColumnRole })}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td class="muted">{column.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="toolbar">
        <label for="target-task">Task of the target</label>
        <select
          id="target-task"
          value={task}
          disabled={busy || target === null}
          onChange={(e) => setTask(e.currentTarget.value as Task | '')}
        >
          <option value="">inferred</option>
          <option value="classification">classification</option>
          <option value="regression">regression</option>
        </select>
        <button type="button" onClick={apply} disabled={busy || !changed}>
          Reload with this schema
        </button>
        <button type="button" onClick={() => setColumns(initial())} disabled={busy || !changed}>
          Undo edits
        </button>
      </div>
    </div>
  );
}
