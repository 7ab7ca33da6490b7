/**
 * functions/lib/metrics.ts: one EMF line per business event, in the namespace and with the
 * dimensions the dashboard (infra/constructs/monitoring.ts) graphs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BUSINESS_METRICS, countBusinessEvent, METRICS_NAMESPACE, setMetricsSink } from '#lib/metrics.ts';

afterEach(() => setMetricsSink(undefined));

function capture(): string[] {
  const lines: string[] = [];
  setMetricsSink((line) => lines.push(line));
  return lines;
}

describe('countBusinessEvent', () => {
  it('emits one EMF document per call with the count, namespace and service/stage dimensions', () => {
    const lines = capture();
    countBusinessEvent('CertificationIssued');
    countBusinessEvent('ReviewOverdue', 3);
    expect(lines).toHaveLength(2);
    const [issued, overdue] = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(issued!._aws.CloudWatchMetrics).toEqual([
      { Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'stage']], Metrics: [{ Name: 'CertificationIssued', Unit: 'Count' }] },
    ]);
    expect(issued).toMatchObject({ service: 'pathcert', CertificationIssued: 1 });
    expect(typeof issued!.stage).toBe('string');
    // Each call is published alone: nothing of the first leaks into the second.
    expect(overdue).toMatchObject({ ReviewOverdue: 3 });
    expect(overdue).not.toHaveProperty('CertificationIssued');
  });

  it('ignores a negative or non-finite count instead of throwing', () => {
    const lines = capture();
    countBusinessEvent('ApplicationSubmitted', -1);
    countBusinessEvent('ApplicationSubmitted', Number.NaN);
    expect(lines).toEqual([]);
  });

  it('names the four business events of the issue', () => {
    expect([...BUSINESS_METRICS].sort()).toEqual(['ApplicationSubmitted', 'CertificationExpiring', 'CertificationIssued', 'ReviewOverdue']);
  });
});
