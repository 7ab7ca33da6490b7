/**
 * Business metrics as CloudWatch embedded metric format (EMF) log lines, through
 * Powertools: CloudWatch Logs turns each line into a datapoint, so counting costs no API
 * call and no latency, only one short log line per event. The dashboard
 * (infra/constructs/monitoring.ts) graphs them.
 *
 * Dimensions are only `service` and `stage`: every other dimension value would be another
 * billed custom metric, and per-pathway detail belongs in the table, not in CloudWatch.
 *
 * In Lambda the line goes to stdout, where CloudWatch Logs reads it. Anywhere else (the
 * local platform, tests, benches) nothing is printed; a sink set with `setMetricsSink`
 * receives the lines instead, so tests can see exactly what would have been emitted.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.ts';
import { config } from './config.ts';

export const METRICS_NAMESPACE = 'pathcert';

export const BUSINESS_METRICS = [
  /** An application entered review (once per submission, counted when its review starts). */
  'ApplicationSubmitted',
  /** A review passed its due date: reassigned, or late again after reassignment. */
  'ReviewOverdue',
  /** A certification was issued by a decision. */
  'CertificationIssued',
  /** A certification got its expiry notice from the recertification sweep. */
  'CertificationExpiring',
] as const;

export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

type Sink = (emfLine: string) => void;

let sink: Sink | undefined;
let metrics: Metrics | undefined;

function instance(): Metrics {
  metrics ??= new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: 'pathcert',
    defaultDimensions: { stage: config.stage },
  });
  return metrics;
}

// The Lambda runtime's own variable, not an app setting (lib/config.ts lists what is).
const inLambda = () => Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

/** Receives every EMF line outside Lambda (tests, benches); `undefined` stops it. */
export function setMetricsSink(next: Sink | undefined): void {
  sink = next;
}

/**
 * Counts `count` occurrences of a business event. Never throws: a metric must not fail
 * the work it counts.
 */
export function countBusinessEvent(name: BusinessMetric, count = 1): void {
  if (!Number.isFinite(count) || count < 0) return;
  try {
    const m = instance();
    m.addMetric(name, MetricUnit.Count, count);
    if (inLambda()) {
      m.publishStoredMetrics();
      return;
    }
    const line = JSON.stringify(m.serializeMetrics());
    m.clearMetrics();
    sink?.(line);
  } catch (error) {
    logger.warn('business metric not emitted', { metric: name, error });
  }
}
