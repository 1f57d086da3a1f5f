// Issue 17 (mutation score of src/registry): how the facade resolves models, versions and aliases,
// pages and orders version lists, and which argument checks fail with which codes and details.
import { describe, expect, test } from 'vitest';
import { codeOf } from '../../helpers/error-code.ts';
import { errorOf, fakeArtifacts, openRegistry } from './registry-mutation-fixtures.ts';

describe('registry lookups', () => {
  test('unknown models name the close ones, or say there are none yet', async () => {
    const { registry } = await openRegistry();
    const empty = await errorOf(registry.getModel('iris'));
    expect(empty.code).toBe('MODEL_NOT_FOUND');
    expect(empty.message).toBe('No model named "iris". Known models: none yet.');
    expect(empty.details).toEqual({ model: 'iris', closest: [], known: [] });
    await registry.registerVersion({ model: 'penguins', artifacts: fakeArtifacts(2) });
    await registry.registerVersion({ model: 'iris', artifacts: fakeArtifacts(2) });
    const typo = await errorOf(registry.getModel('pengiuns'));
    expect(typo.message).toBe(
      'No model named "pengiuns". Did you mean "penguins"? Known models: iris, penguins.',
    );
    expect(typo.details).toEqual({ model: 'pengiuns', closest: ['penguins'], known: ['iris', 'penguins'] });
    expect((await registry.getModel('iris')).lastVersion).toBe(1);
    expect((await registry.listModels()).map((m) => m.name)).toEqual(['iris', 'penguins']);
    // Every model-scoped call checks the model before anything else.
    for (const call of [
      registry.getVersion('nope', 1),
      registry.getVersion('nope', 'latest'),
      registry.getVersion('nope', 'champion'),
      registry.listVersions('nope'),
      registry.lineage('nope'),
      registry.loadArtifacts('nope'),
      registry.exportVersion('nope'),
      registry.copyVersion('nope', 1, 'target'),
    ]) {
      const error = await errorOf(call);
      expect([error.code, error.details.model]).toEqual(['MODEL_NOT_FOUND', 'nope']);
    }
    await registry.close();
  });

  test('a number, a string of digits, "latest" and an alias resolve; anything else is an alias', async () => {
    const { registry } = await openRegistry();
    for (let i = 0; i < 12; i++)
      await registry.registerVersion({ model: 'm', artifacts: fakeArtifacts(2, i) });
    await registry.moveAlias('m', 'x2', 3, { reason: 'an alias that ends in a digit' });
    await registry.moveAlias('m', 'best', 5, { reason: 'r' });
    expect((await registry.getVersion('m', 12)).version).toBe(12);
    expect((await registry.getVersion('m', '12')).version).toBe(12);
    expect((await registry.getVersion('m', '7')).version).toBe(7);
    expect((await registry.getVersion('m')).version).toBe(12);
    expect((await registry.getVersion('m', 'latest')).version).toBe(12);
    expect((await registry.getVersion('m', 'x2')).version).toBe(3);
    expect((await registry.getVersion('m', 'best')).version).toBe(5);
    // Not digits only: looked up as an alias.
    const mixed = await errorOf(registry.getVersion('m', '2x'));
    expect([mixed.code, mixed.details.alias]).toEqual(['MODEL_NOT_FOUND', '2x']);
    const known = await errorOf(registry.getVersion('m', 'bets'));
    expect(known.message).toBe('"m" has no alias "bets". Did you mean "best"? Its aliases: best, x2.');
    expect(known.details).toEqual({ model: 'm', alias: 'bets', closest: ['best'], known: ['best', 'x2'] });
    await registry.close();
  });

  test('missing versions list the last 20 existing numbers; a model without versions says so', async () => {
    const { registry } = await openRegistry();
    await registry.upsertModel('bare');
    const latest = await errorOf(registry.getVersion('bare'));
    expect(latest.code).toBe('VERSION_NOT_FOUND');
    expect(latest.message).toBe('Model "bare" has no versions yet; register one first.');
    expect(latest.details).toEqual({ model: 'bare', version: 'latest' });
    const none = await errorOf(registry.getVersion('bare', 1));
    expect(none.message).toBe('"bare" has no version 1. Existing versions: none.');
    expect(none.details).toEqual({ model: 'bare', version: 1, existing: [] });
    const noAlias = await errorOf(registry.getVersion('bare', 'champion'));
    expect(noAlias.message).toBe('"bare" has no alias "champion". Its aliases: none.');
    for (let i = 0; i < 22; i++)
      await registry.registerVersion({ model: 'many', artifacts: fakeArtifacts(2, i) });
    const missing = await errorOf(registry.getVersion('many', 99));
    const last20 = Array.from({ length: 20 }, (_, i) => i + 3);
    expect(missing.details).toEqual({ model: 'many', version: 99, existing: last20 });
    expect(missing.message).toBe(`"many" has no version 99. Existing versions: ${last20.join(', ')}.`);
    // An alias whose version is gone (as a store written by older code could hold).
    registry.store.getAlias = async (model, alias) => ({ model, alias, version: 50, updatedAt: 1 });
    const dangling = await errorOf(registry.getVersion('many', 'old'));
    expect([dangling.code, dangling.details.version]).toEqual(['VERSION_NOT_FOUND', 50]);
    await registry.close();
  });
});

describe('listVersions', () => {
  test('pages: offset and limit bounds, nextOffset, the default of 50', async () => {
    const { registry } = await openRegistry();
    for (let i = 0; i < 51; i++)
      await registry.registerVersion({ model: 'p', artifacts: fakeArtifacts(1, i) });
    const first = await registry.listVersions('p');
    expect(first.items.length).toBe(50);
    expect([first.total, first.nextOffset, first.items[0]?.version]).toEqual([51, 50, 51]);
    const rest = await registry.listVersions('p', { offset: 50 });
    expect([rest.items.map((v) => v.version), rest.nextOffset]).toEqual([[1], null]);
    const exact = await registry.listVersions('p', { offset: 49, limit: 2 });
    expect([exact.items.map((v) => v.version), exact.nextOffset]).toEqual([[2, 1], null]);
    const inner = await registry.listVersions('p', { offset: 3, limit: 1 });
    expect([inner.items.map((v) => v.version), inner.nextOffset]).toEqual([[48], 4]);
    const beyond = await registry.listVersions('p', { offset: 60 });
    expect([beyond.items, beyond.total, beyond.nextOffset]).toEqual([[], 51, null]);
    expect((await registry.listVersions('p', { limit: 1000 })).items.length).toBe(51);
    for (const [field, value] of [
      ['offset', -1],
      ['offset', 1.5],
      ['limit', 0],
      ['limit', 1001],
      ['limit', 2.5],
    ] as const) {
      const error = await errorOf(registry.listVersions('p', { [field]: value }));
      expect([error.code, error.details]).toEqual(['INVALID_ARGUMENT', { field, value }]);
      expect(error.message).toBe(
        field === 'offset'
          ? `offset must be an integer ≥ 0; got ${value}.`
          : `limit must be an integer from 1 to 1000; got ${value}.`,
      );
    }
    expect(await codeOf(registry.listRuns({ limit: 0 }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.listRuns({ offset: -1 }))).toBe('INVALID_ARGUMENT');
    await registry.close();
  });

  test('orders by version, creation time (ties by number) and a metric (missing or non-numeric last)', async () => {
    const { registry } = await openRegistry({ clock: () => 5 });
    const metrics = [{ acc: 0.5 }, { acc: 'n/a' }, { acc: 0.9 }, {}, { acc: 0.5 }, { acc: 0.7 }];
    for (const [i, m] of metrics.entries())
      await registry.registerVersion({
        model: 'o',
        artifacts: fakeArtifacts(1, i),
        metrics: m,
        tags: i < 3 ? ['a'] : [],
      });
    const order = async (options: Parameters<typeof registry.listVersions>[1]) =>
      (await registry.listVersions('o', options)).items.map((v) => v.version);
    expect(await order({})).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await order({ order: { by: 'version' } })).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await order({ order: { by: 'version', direction: 'asc' } })).toEqual([1, 2, 3, 4, 5, 6]);
    // Every version has the same creation time: the number breaks the tie, in the same direction.
    expect(await order({ order: { by: 'createdAt', direction: 'asc' } })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await order({ order: { by: 'createdAt' } })).toEqual([6, 5, 4, 3, 2, 1]);
    // Equal metric values: the newer version first; versions without a number come last, newer first.
    expect(await order({ order: { by: 'metric', metric: 'acc' } })).toEqual([3, 6, 5, 1, 4, 2]);
    expect(await order({ order: { by: 'metric', metric: 'acc', direction: 'asc' } })).toEqual([
      5, 1, 6, 3, 4, 2,
    ]);
    expect(await order({ order: { by: 'metric', metric: 'none' } })).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await order({ tag: 'a' })).toEqual([3, 2, 1]);
    expect(await order({ tag: 'b' })).toEqual([]);
    await registry.moveAlias('o', 'champion', 2, { reason: 'r' });
    expect(await order({ alias: 'champion' })).toEqual([2]);
    expect(await order({ alias: 'nobody' })).toEqual([]);
    expect(await order({ alias: 'champion', tag: 'b' })).toEqual([]);
    await registry.close();
  });

  test('a version created later sorts after one created earlier whatever the numbers', async () => {
    // The first reading is createRegistry's (it marks interrupted runs).
    const times = [1, 300, 100, 200];
    let i = 0;
    const { registry } = await openRegistry({ clock: () => times[i++] ?? 999 });
    for (let k = 0; k < 3; k++)
      await registry.registerVersion({ model: 't', artifacts: fakeArtifacts(1, k) });
    const created = (await registry.listVersions('t', { order: { by: 'createdAt', direction: 'asc' } }))
      .items;
    expect(created.map((v) => [v.version, v.createdAt])).toEqual([
      [2, 100],
      [3, 200],
      [1, 300],
    ]);
    await registry.close();
  });
});

describe('argument checks', () => {
  test('model and alias names, reasons and version numbers', async () => {
    const { registry } = await openRegistry();
    const badModel = await errorOf(registry.registerVersion({ model: '-x', artifacts: fakeArtifacts(1) }));
    expect([badModel.code, badModel.details]).toEqual(['INVALID_ARGUMENT', { field: 'model', value: '-x' }]);
    expect(badModel.message).toBe(
      'Model name "-x" is invalid: Use 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
    expect((await errorOf(registry.upsertModel('a b'))).details).toEqual({ field: 'model', value: 'a b' });
    expect(() => registry.saveHandler('')).toThrow(/Model name "" is invalid/);
    await registry.registerVersion({ model: 'ok', artifacts: fakeArtifacts(1) });
    expect((await errorOf(registry.copyVersion('ok', 1, 'no/slash'))).details.field).toBe('model');
    const badAlias = await errorOf(registry.moveAlias('ok', '1st', 1, { reason: 'r' }));
    expect([badAlias.code, badAlias.details]).toEqual(['INVALID_ARGUMENT', { field: 'alias', value: '1st' }]);
    expect(badAlias.message).toBe(
      'Alias "1st" is invalid: Use 1–64 letters, digits, ".", "_" or "-", starting with a letter.',
    );
    const latest = await errorOf(registry.promote('ok', 1, { reason: 'r', alias: 'latest' }));
    expect([latest.details, latest.message]).toEqual([
      { field: 'alias', value: 'latest' },
      '"latest" is reserved (it always means the newest version); pick another alias.',
    ]);
    for (const reason of ['', '  ', undefined as unknown as string]) {
      const error = await errorOf(registry.moveAlias('ok', 'champion', 1, { reason }));
      expect([error.details, error.message]).toEqual([
        { field: 'reason' },
        'Moving alias "champion" needs a reason (it goes into the audit log).',
      ]);
    }
    const zero = await errorOf(registry.moveAlias('ok', 'champion', 0, { reason: 'r' }));
    expect(zero.message).toBe('Version must be an integer ≥ 1; got 0.');
    // The checks run before the model lookup: a bad argument on an unknown model is INVALID_ARGUMENT.
    expect(await codeOf(registry.moveAlias('ghost', 'latest', 1, { reason: 'r' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.moveAlias('ghost', 'champion', 1, { reason: '' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.moveAlias('ghost', 'champion', 0, { reason: 'r' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(registry.prune('ghost', { keepLast: -1 }))).toBe('INVALID_ARGUMENT');
    expect((await errorOf(registry.prune('ok', { keepLast: -1 }))).message).toBe(
      'keepLast must be an integer ≥ 0; got -1.',
    );
    expect(await registry.listAliases('ok')).toEqual([]);
    expect(await registry.aliasLog('ok')).toEqual([]);
    await registry.close();
  });

  test('upsertModel creates, then patches only what is given, and announces', async () => {
    const { registry, changes } = await openRegistry();
    const created = await registry.upsertModel('u', { description: 'first', tags: ['a'] });
    expect(created).toEqual({
      name: 'u',
      description: 'first',
      tags: ['a'],
      createdAt: 1020,
      updatedAt: 1020,
      lastVersion: 0,
    });
    const plain = await registry.upsertModel('v');
    expect([plain.description, plain.tags]).toEqual(['', []]);
    const tagsOnly = await registry.upsertModel('u', { tags: ['b'] });
    expect([tagsOnly.description, tagsOnly.tags, tagsOnly.createdAt, tagsOnly.updatedAt]).toEqual([
      'first',
      ['b'],
      1020,
      1040,
    ]);
    const descriptionOnly = await registry.upsertModel('u', { description: 'second' });
    expect([descriptionOnly.description, descriptionOnly.tags]).toEqual(['second', ['b']]);
    await registry.registerVersion({ model: 'u', artifacts: fakeArtifacts(1) });
    const afterVersion = await registry.upsertModel('u', {});
    expect([afterVersion.lastVersion, afterVersion.description]).toEqual([1, 'second']);
    expect(changes.filter((c) => c.type === 'model-updated')).toEqual([
      { type: 'model-updated', model: 'u' },
      { type: 'model-updated', model: 'v' },
      { type: 'model-updated', model: 'u' },
      { type: 'model-updated', model: 'u' },
      { type: 'model-updated', model: 'u' },
    ]);
    // A version registered into a new model creates it with empty defaults.
    await registry.registerVersion({ model: 'w', artifacts: fakeArtifacts(1) });
    expect(await registry.getModel('w')).toMatchObject({ description: '', tags: [], lastVersion: 1 });
    await registry.close();
  });
});
