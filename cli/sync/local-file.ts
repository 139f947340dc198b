/** A regular file found under the pushed folder. */
export interface LocalFile {
  /** Relative to the folder, `/`-separated: also the object key below the dataset prefix. */
  readonly path: string;
  readonly absolutePath: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What an uploaded file's object holds, as recorded in the local index and the manifest digest. */
export interface FileFingerprint {
  readonly size: number;
  readonly mtimeMs: number;
  /** Hex SHA-256 of the content. */
  readonly sha256: string;
}

/** Thrown when a file's content moved under us while it was read or sent. */
export class FileChangedError extends Error {
  constructor(readonly path: string) {
    super(`${path} changed while it was being uploaded`);
    this.name = 'FileChangedError';
  }
}
