import type { ReactiveController } from 'lit';
import type { Contact } from '../../core/contacts.js';
import { toFriendInfo } from '../../core/friend-info.js';
import type { ChatMessage, FriendInfo, Presence } from '../../model/index.js';

/** One line of the roster: a contact with its unread count and last message. */
export interface RosterEntry extends FriendInfo {
  unread: number;
  last: string;
}

/** What the roster reads from the engine. */
export interface RosterSource {
  readonly identity: { readonly profileId: string };
  readonly contacts: { all(): Contact[] };
  presence(friendId: string): Presence;
  unread(friendId: string): Promise<number>;
  history(friendId: string, options: { limit?: number }): Promise<ChatMessage[]>;
}

/**
 * Every contact as the roster shows it: sorted by state, then name; friends carry their
 * unread count (0 for the open conversation, which is being read) and their last message
 * (a file's name for a file).
 */
export async function rosterEntries(source: RosterSource, openFriendId: string): Promise<RosterEntry[]> {
  const entries = await Promise.all(
    source.contacts.all().map(async (contact): Promise<RosterEntry> => {
      const info = toFriendInfo(contact, source.presence(contact.id), source.identity.profileId);
      if (contact.state !== 'friend') return { ...info, unread: 0, last: '' };
      const [unread, [newest]] = await Promise.all([source.unread(contact.id), source.history(contact.id, { limit: 1 })]);
      return { ...info, unread: openFriendId === contact.id ? 0 : unread, last: newest?.file ? newest.file.name : (newest?.text ?? '') };
    }),
  );
  return entries.sort((a, b) => a.state.localeCompare(b.state) || a.name.localeCompare(b.name));
}

/**
 * The roster's state for the UI. Changes come in bursts (a reconnect touches every
 * contact), so `schedule()` rebuilds once a short moment after the first of them.
 */
export class RosterModel implements ReactiveController {
  entries: RosterEntry[] = [];
  readonly #host: { requestUpdate(): void };
  readonly #source: () => RosterSource | null;
  readonly #openFriendId: () => string;
  readonly #onRefresh: (entries: RosterEntry[]) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    host: { requestUpdate(): void; addController?(controller: ReactiveController): void },
    source: () => RosterSource | null,
    openFriendId: () => string,
    onRefresh: (entries: RosterEntry[]) => void = () => {},
  ) {
    this.#onRefresh = onRefresh;
    this.#host = host;
    this.#source = source;
    this.#openFriendId = openFriendId;
    host.addController?.(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, 30);
  }

  /** Rebuilds now; a result for an engine that was replaced meanwhile is dropped. */
  async refresh(): Promise<void> {
    const source = this.#source();
    if (!source) return;
    const entries = await rosterEntries(source, this.#openFriendId());
    if (source !== this.#source()) return;
    this.entries = entries;
    this.#onRefresh(entries);
    this.#host.requestUpdate();
  }
}
