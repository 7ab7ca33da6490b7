/**
 * Business metrics as CloudWatch embedded metric format (EMF) log lines: CloudWatch Logs
 * turns each line into a datapoint, so counting costs no API call and no latency, only one
 * short log line per event. The dashboard (infra/constructs/monitoring.ts) graphs them.
 *
 * Dimensions are only `service` and `stage`: every other dimension value would be another
 * billed custom metric, and per-pathway detail belongs in the table, not in CloudWatch.
 *
 * The line is written here (the format is a small JSON document, see
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
 * rather than through Powertools' Metrics, whose module graph cost each cold start of the
 * functions that count ~1–2 ms of import for one counter.
 *
 * In Lambda the line goes to stdout, where CloudWatch Logs reads it. Anywhere else (the
 * local platform, tests, benches) nothing is printed; a sink set with `setMetricsSink`
 * receives the lines instead, so tests can see exactly what would have been emitted.
 */
import { logger } from './logger.ts';
import { config } from './config.ts';

export const METRICS_NAMESPACE = 'pathcert';
const SERVICE = 'pathcert';

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

// The Lambda runtime's own variable, not an app setting (lib/config.ts lists what is).
const inLambda = () => Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

/** Receives every EMF line outside Lambda (tests, benches); `undefined` stops it. */
export function setMetricsSink(next: Sink | undefined): void {
  sink = next;
}

/** One EMF document: a count of `name`, with the service and stage dimensions. */
function emfLine(name: BusinessMetric, count: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'stage']], Metrics: [{ Name: name, Unit: 'Count' }] }],
    },
    service: SERVICE,
    stage: config.stage,
    [name]: count,
  });
}

/**
 * Counts `count` occurrences of a business event. Never throws: a metric must not fail
 * the work it counts.
 */
export function countBusinessEvent(name: BusinessMetric, count = 1): void {
  if (!Number.isFinite(count) || count < 0) return;
  try {
    const line = emfLine(name, count);
    if (inLambda()) process.stdout.write(line + '\n');
    else sink?.(line);
  } catch (error) {
    logger.warn('business metric not emitted', { metric: name, error });
  }
}
