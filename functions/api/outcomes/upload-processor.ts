/**
 * The outcome CSV processor's edge (catalog trigger 's3', prefix outcomes/). S3 notifies it
 * when a declared upload lands; each notified key goes to the use case
 * (use-cases/outcomes/process-outcome-upload.ts), which validates and stores the file or
 * records its errors.
 */
import type { S3Event } from 'aws-lambda';
import { eventObjectKey } from '#core/evidence/object-keys.ts';
import { logger } from '#lib/logger.ts';
import { processOutcomeUpload } from '#use-cases/outcomes/process-outcome-upload.ts';

export async function handler(event: S3Event): Promise<void> {
  for (const record of event.Records) {
    const notified = eventObjectKey(record.s3.object.key);
    if (notified.refused === 'dot_segment') {
      // The key's shape refuses it too; said first and logged, like the other S3-triggered handlers.
      logger.warn('object key with a . or .. segment; ignoring it', { key: notified.key });
      continue;
    }
    if (notified.key !== null) await processOutcomeUpload(notified.key);
  }
}
