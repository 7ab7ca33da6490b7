import { describe, expect, it } from 'vitest';
import { parseAbnormalEnd } from '#core/review/execution-status.ts';

const envelope = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'e1',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '000000000000',
  time: '2030-01-15T07:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
  ...extra,
});
const detail = {
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:pathcert-prod-review:app_1-1',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pathcert-prod-review',
  name: 'app_1-1',
  status: 'ABORTED',
  startDate: 1_893_000_000_000,
  stopDate: 1_893_000_060_000,
  input: '{"applicationId":"app_1"}',
  inputDetails: { included: true },
  output: null,
  outputDetails: null,
  error: null,
  cause: null,
};

describe('parseAbnormalEnd', () => {
  it('reads the application, the execution and how it ended; a stop without error reads as Aborted', () => {
    expect(parseAbnormalEnd(envelope(detail))).toEqual({
      ok: true,
      end: {
        applicationId: 'app_1',
        executionArn: detail.executionArn,
        executionName: 'app_1-1',
        status: 'ABORTED',
        error: 'Aborted',
        cause: '',
        stoppedAt: new Date(1_893_000_060_000).toISOString(),
      },
    });
  });

  it('keeps the error and cause of a failure, and falls back to the event time without stopDate', () => {
    const parsed = parseAbnormalEnd(envelope({ ...detail, status: 'FAILED', error: 'States.Runtime', cause: 'boom', stopDate: null }));
    expect(parsed).toMatchObject({
      ok: true,
      end: { status: 'FAILED', error: 'States.Runtime', cause: 'boom', stoppedAt: '2030-01-15T07:00:00.000Z' },
    });
    expect(parseAbnormalEnd(envelope({ ...detail, status: 'TIMED_OUT' }))).toMatchObject({ ok: true, end: { error: 'States.Timeout' } });
  });

  it('refuses what it cannot act on: other sources, normal statuses, an input without applicationId or left out', () => {
    expect(parseAbnormalEnd(envelope(detail, { source: 'aws.ses' })).ok).toBe(false);
    expect(parseAbnormalEnd(envelope({ ...detail, status: 'SUCCEEDED' })).ok).toBe(false);
    expect(parseAbnormalEnd(envelope({ ...detail, status: 'RUNNING' })).ok).toBe(false);
    expect(parseAbnormalEnd(envelope({ ...detail, input: '{"other":1}' }))).toEqual({
      ok: false,
      error: 'detail.input names no applicationId',
    });
    expect(parseAbnormalEnd(envelope({ ...detail, input: null })).ok).toBe(false);
    expect(parseAbnormalEnd(null).ok).toBe(false);
  });
});
