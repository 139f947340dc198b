import type { DataBucket } from '../../services/kit/ports/objects';
import type { LocalIndex } from './local-index';

/** The largest part the local cloud accepts comfortably (fauxqs refuses bodies over ~11 MiB). */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** S3 allows at most 10,000 parts: bigger files get bigger parts. */
const MAX_PARTS = 10_000;

/** The bucket's operations a sync sends through. */
export type TransferObjects = Pick<
  DataBucket,
  'put' | 'head' | 'deleteMany' | 'startUpload' | 'uploadPart' | 'completeUpload' | 'abortUpload'
>;

/** What every upload of one sync shares. */
export interface Transfer {
  readonly objects: TransferObjects;
  /** `users/<owner>/datasets/<name>/` */
  readonly prefix: string;
  /** Bounds S3 requests in flight (PUTs, parts, HEADs, deletions) across all files: a p-limit. */
  readonly requests: <T>(task: () => PromiseLike<T> | T) => Promise<T>;
  readonly index: LocalIndex;
  readonly signal: AbortSignal;
  /** Files up to this size go in one PUT; bigger ones in parts of this size (at least). */
  readonly partSize: number;
  /** Bytes confirmed by S3 (or confirmed unchanged), for progress. */
  readonly onBytes: (bytes: number) => void;
}

/** The part size for a file: the configured one, grown so no file needs more than 10,000 parts. */
export function partSizeFor(size: number, partSize: number): number {
  const mib = 1024 * 1024;
  return Math.max(partSize, Math.ceil(size / MAX_PARTS / mib) * mib);
}
