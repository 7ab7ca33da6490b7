/**
 * A write-only S3 object fed chunk by chunk: a multipart upload with two part buffers,
 * one filling while the other uploads. Memory is 2 × partSize whatever the object's size;
 * nothing is written to disk.
 */
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  uploadPart,
  type UploadedPart,
} from '#store/evidence-objects.ts';

/** S3's minimum part size is 5 MiB (except the last part). */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

export class MultipartSink {
  private readonly buffers: [Buffer, Buffer];
  private current: 0 | 1 = 0;
  private fill = 0;
  private inflight: Promise<void> = Promise.resolve();
  private readonly parts: UploadedPart[] = [];
  private partNumber = 0;
  private uploadId: string | undefined;
  private failed: Error | undefined;
  bytes = 0;

  constructor(
    private readonly key: string,
    private readonly contentType: string,
    private readonly contentDisposition?: string,
    partSize = DEFAULT_PART_SIZE,
  ) {
    if (partSize < 5 * 1024 * 1024) throw new RangeError('S3 parts are at least 5 MiB');
    this.buffers = [Buffer.allocUnsafe(partSize), Buffer.allocUnsafe(partSize)];
  }

  async write(chunk: Uint8Array): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const buffer = this.buffers[this.current];
      const take = Math.min(buffer.length - this.fill, chunk.length - at);
      buffer.set(chunk.subarray(at, at + take), this.fill);
      this.fill += take;
      at += take;
      this.bytes += take;
      if (this.fill === buffer.length) await this.flush();
    }
  }

  /** Starts uploading the current buffer after the previous upload finished (its buffer is then free). */
  private async flush(): Promise<void> {
    await this.inflight;
    if (this.failed) throw this.failed;
    this.uploadId ??= await createMultipartUpload(this.key, this.contentType, this.contentDisposition);
    const partNumber = ++this.partNumber;
    const body = this.buffers[this.current].subarray(0, this.fill);
    const uploadId = this.uploadId;
    this.inflight = uploadPart(this.key, uploadId, partNumber, body).then(
      (part) => {
        this.parts.push(part);
      },
      (error: unknown) => {
        this.failed = error instanceof Error ? error : new Error(String(error));
      },
    );
    this.current = this.current === 0 ? 1 : 0;
    this.fill = 0;
  }

  /** Uploads what is left and completes the object; answers its size. */
  async finish(): Promise<{ size: number; versionId?: string }> {
    if (this.fill > 0 || this.partNumber === 0) await this.flush();
    await this.inflight;
    if (this.failed) throw this.failed;
    const parts = [...this.parts].sort((a, b) => a.partNumber - b.partNumber);
    const done = await completeMultipartUpload(this.key, this.uploadId!, parts);
    return { size: this.bytes, ...done };
  }

  /** Discards the uploaded parts; answers whether S3 confirmed it (false also when nothing was started). */
  async abort(): Promise<boolean> {
    await this.inflight;
    return this.uploadId ? abortMultipartUpload(this.key, this.uploadId) : false;
  }
}
