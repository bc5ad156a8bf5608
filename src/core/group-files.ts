import type { FileTransfers } from '../files/file-transfers.js';
import { parseManifest } from '../files/manifest.js';
import type { Entry } from '../log/entry.js';
import type { FileProgress } from '../model/index.js';

/**
 * Files in groups (docs/groups.md, "Files"): the manifest travels as a sealed group
 * message; each member fetches the chunks from the author over their own session with the
 * one-to-one file machinery (the receiving record names the author, the author's record
 * the group, and the author serves every current member). Progress reaches the page under
 * the group's ID.
 */
export class GroupFiles {
  readonly #files: FileTransfers;
  readonly #isMember: (groupId: string, id: string) => boolean;
  readonly #isFriend: (id: string) => boolean;
  readonly #onError: (error: unknown) => void;
  /** File message ID → its group, for every group file this engine has seen. */
  readonly #groupOf = new Map<string, string>();

  constructor(files: FileTransfers, isMember: (groupId: string, id: string) => boolean, isFriend: (id: string) => boolean, onError: (error: unknown) => void) {
    this.#files = files;
    this.#onError = onError;
    this.#isMember = isMember;
    this.#isFriend = isFriend;
  }

  /** A group file's progress as the page sees it: under the group's ID. Others pass as they are. */
  view(progress: FileProgress): FileProgress {
    const g = this.#groupOf.get(progress.messageId);
    return g ? { ...progress, friendId: g, conversationId: g } : progress;
  }

  /** Where a file of group `groupId` stands (for its message), registering it. */
  async progress(groupId: string, id: string): Promise<FileProgress | undefined> {
    this.#groupOf.set(id, groupId);
    const p = await this.#files.progress(id);
    return p && this.view(p);
  }

  /** Whether `peer` may fetch the file whose own record names `owner`: a current member of that group. */
  shares(owner: string, peer: string): boolean {
    return this.#isMember(owner, peer);
  }

  /** Keeps an own group file's bytes before its entry is stored. */
  outgoing(groupId: string, id: string, blob: Blob, body: string): Promise<void> {
    this.#groupOf.set(id, groupId);
    return this.#files.addOutgoing(groupId, id, blob, parseManifest(body));
  }

  drop(id: string): Promise<void> {
    return this.#files.dropOutgoing(id);
  }

  /** A member's file message was stored: fetch it from its author (a friend; others cannot be asked). */
  async incoming(groupId: string, opened: Entry): Promise<void> {
    this.#groupOf.set(opened.id, groupId);
    if (this.#isFriend(opened.author)) await this.#files.addIncoming(opened.author, opened.id, parseManifest(opened.body!)).catch(this.#onError);
  }
}
