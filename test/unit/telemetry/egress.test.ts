// Issue 12: the egress allow-list refuses any metric name, attribute key or value outside the
// contract, at record time with EGRESS_REFUSED, and strips them from batches.
import { describe, expect, it } from 'vitest';
import { isEdgeflowError } from '../../../src/errors.ts';
import { checkEgress, checkResourceEgress, filterEgress } from '../../../src/telemetry/index.ts';
import { requestWith } from './outbox.contract.ts';

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (isEdgeflowError(error, 'EGRESS_REFUSED')) return error.message;
    throw error;
  }
  throw new Error('expected EGRESS_REFUSED');
}

describe('egress allow-list', () => {
  it('accepts the contract names, keys and values', () => {
    expect(() =>
      checkEgress('edgeflow.drift.statistic', {
        'edgeflow.model': 'churn',
        'edgeflow.model.version': 3,
        'edgeflow.feature': 'monthly_spend',
        'edgeflow.drift.test': 'ks',
      }),
    ).not.toThrow();
    expect(() => checkEgress('edgeflow.predict.errors', { 'error.type': 'UNSEEN_CATEGORY' })).not.toThrow();
  });

  it('refuses an unknown metric name and lists the allowed ones', () => {
    expect(refusal(() => checkEgress('user.email', {}))).toMatch(
      /^Metric "user\.email" is not on the telemetry allow-list\. Use one of: edgeflow\.predict\.duration, /,
    );
  });

  it('refuses an unknown attribute key, naming it', () => {
    expect(refusal(() => checkEgress('edgeflow.predict.rows', { 'user.id': 'u-123' }))).toContain(
      'attribute key(s) "user.id" are not on the allow-list',
    );
  });

  it('refuses raw values hidden in allowed keys', () => {
    expect(
      refusal(() => checkEgress('edgeflow.drift.statistic', { 'edgeflow.feature': 'alice@example.com' })),
    ).toContain('"edgeflow.feature"');
    expect(
      refusal(() => checkEgress('edgeflow.drift.statistic', { 'edgeflow.drift.test': 'my-test' })),
    ).toContain('"edgeflow.drift.test"');
    expect(
      refusal(() => checkEgress('edgeflow.predict.errors', { 'error.type': 'row 17 had "x"' })),
    ).toContain('"error.type"');
    expect(
      refusal(() => checkEgress('edgeflow.release.events', { 'edgeflow.event': 'opened-app' })),
    ).toContain('"edgeflow.event"');
    expect(
      refusal(() => checkEgress('edgeflow.predict.rows', { 'edgeflow.model.version': 'v3-beta' })),
    ).toContain('"edgeflow.model.version"');
  });

  it('refuses a user agent or IP as a resource attribute', () => {
    expect(refusal(() => checkResourceEgress({ 'user_agent.original': 'Mozilla/5.0' }))).toContain(
      '"user_agent.original"',
    );
    expect(refusal(() => checkResourceEgress({ 'client.address': '10.0.0.1' }))).toContain(
      '"client.address"',
    );
    expect(() =>
      checkResourceEgress({ 'service.name': 'shop', 'edgeflow.device.class': 'gpu=nvidia;mem=8;os=linux' }),
    ).not.toThrow();
  });

  it('filterEgress strips foreign metrics and resource attributes from a batch and names them', () => {
    const request = requestWith(1);
    const rm = request.resourceMetrics[0];
    rm?.resource.attributes.push({ key: 'host.name', value: { stringValue: 'alice-laptop' } });
    rm?.scopeMetrics.push({
      scope: { name: 'app' },
      metrics: [
        {
          name: 'app.cart.total',
          gauge: {
            dataPoints: [{ attributes: [], startTimeUnixNano: '1', timeUnixNano: '2', asDouble: 99 }],
          },
        },
      ],
    });
    const { request: allowed, refused } = filterEgress(request);
    expect(refused).toEqual(['resource attribute "host.name"', 'metric "app.cart.total"']);
    expect(JSON.stringify(allowed)).not.toContain('alice-laptop');
    expect(JSON.stringify(allowed)).not.toContain('app.cart.total');
    expect(allowed.resourceMetrics[0]?.scopeMetrics.map((s) => s.scope.name)).toEqual(['edgeflow']);
  });
});
