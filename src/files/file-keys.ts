/**
 * Every storage key the files layer reads or writes, built in one place.
 *
 * Lead: fold these into `src/storage/keyspace.ts` when it lands (the names must stay as
 * they are: stores written by earlier releases use them).
 */

/** The IDs of files whose transfer is not finished, either way (a reload resumes them). */
export const OPEN_FILES_KEY = 'files:open';
/** Bytes of received files kept or reserved, per friend (the quotas are checked against it). */
export const FILE_USAGE_KEY = 'files:usage';

/** What is known of a file: direction, state, progress bits, sniffed media. */
export const fileMetaKey = (id: string): string => `file:${id}:meta`;
/** The whole file, once it is here (or from the start, when it is our own). */
export const fileDataKey = (id: string): string => `file:${id}:data`;
/** A friend's manifest, kept while the transfer runs so a reload can resume it. */
export const fileManifestKey = (id: string): string => `file:${id}:manifest`;
/** One verified chunk of a file being received. */
export const fileChunkKey = (id: string, index: number): string => `file:${id}:${index}`;
