/** An object as a listing or a download reports it. The ETag identifies the content version. */
export interface RemoteObject {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

/** The little the sync needs from S3, so the sync logic can be read (and tested) apart from the SDK. */
export interface ObjectStore {
  /** Bucket name or other label for messages. */
  readonly label: string;
  /** Common prefixes one level below `prefix` (delimiter `/`), e.g. `events/dt=2026-11-28/`. */
  listPrefixes(prefix: string): Promise<string[]>;
  /** Every object under `prefix`, at any depth. */
  listObjects(prefix: string): Promise<RemoteObject[]>;
  /** Writes the object's bytes to `path` (overwriting) and reports the version it wrote. */
  download(key: string, path: string): Promise<RemoteObject>;
}

/** ETags come quoted from S3 (`"abc"`); compare them without quotes. */
export const normalizeEtag = (etag: string | undefined): string => (etag ?? "").replace(/^W\//, "").replaceAll('"', "");
