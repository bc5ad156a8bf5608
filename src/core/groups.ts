import { randomBytes } from '../crypto/index.js';
import { FriendsChatError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import type { Entry } from '../log/entry.js';
import type { ChatMessage, GroupEventType, GroupInfo, MessageStatus, SecurityWarningReason } from '../model/index.js';
import type { SecureSession } from '../session/secure-session.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { toHex, utf8 } from '../util/bytes.js';
import type { Contacts } from './contacts.js';
import type { FrameRouter } from './frame-router.js';
import { Group, type GroupKind } from './group.js';
import { groupReach, toGroupMessage } from './group-message.js';
import { groupIdFor, MAX_MEMBERS, type MemberOp } from './group-membership.js';
import { GroupSync } from './group-sync.js';
import { isMessageKind, ownAction } from './actions.js';
import type { GroupFiles } from './group-files.js';
import { checkFileBody, checkText, requireMessageId } from './input-checks.js';

/** Groups one profile may be in (or keep the history of). */
export const MAX_GROUPS = 200;
/** Group text is sealed and base64-encoded into the entry body, which caps it lower than 64 KiB. */
export const MAX_GROUP_TEXT_BYTES = 48 * 1024;

export interface GroupsOptions {
  store: Store;
  identity: Identity;
  contacts: Contacts;
  now: () => number;
  /** A friend's live session, if any. */
  session(peer: string): SecureSession | undefined;
  send(session: SecureSession | undefined, type: number, value: unknown): boolean;
  onGroup(type: GroupEventType, group: GroupInfo): void;
  onMessage(message: ChatMessage): void;
  onMessageStatus(groupId: string, messageId: string, status: MessageStatus, reach?: { count: number; of: number }): void;
  onWarning(reason: SecurityWarningReason, peer: string, detail: string): void;
  onChange(): void;
  files: GroupFiles;
  /** Mails own entries to a member without a live session (the mailbox, when there is one). */
  mail?(groupId: string, dh: string, entries: Entry[]): void;
}

/**
 * The groups of one engine (docs/groups.md): the public group API (create, add, remove,
 * admins, rename, leave, send, history), the stored list of groups, and the sync that
 * carries their entries. The chat engine delegates to it; group IDs go wherever a friend
 * ID goes for messages.
 */
export class Groups {
  readonly #o: GroupsOptions;
  readonly #byId = new Map<string, Group>();
  /** The stored list: `#byId`'s keys, and a group being joined just before it is listed. */
  readonly #ids = new Set<string>();
  readonly #sync: GroupSync;
  /** Last status reported per own message, so a member's receipt reports only changes. */
  readonly #status = new Map<string, string>();
  /** Messages of others not seen yet, per group. */
  readonly #unread = new Map<string, number>();

  private constructor(options: GroupsOptions) {
    this.#o = options;
    this.#sync = new GroupSync({
      group: (id) => this.#byId.get(id),
      join: (id) => this.#join(id),
      discard: (group) => this.#discard(group),
      session: options.session,
      send: options.send,
      now: options.now,
      onStored: (group, entries, joined) => this.#onStored(group, entries, joined),
      onAck: (group) => void this.#reportStatus(group),
      onWarning: options.onWarning,
      mail: (group, dh, entries) => options.mail?.(group.id, dh, entries),
    });
  }

  /** A group's entries from the mailbox; how many were stored, -1 for a group we are not in. */
  receiveMail(groupId: string, entries: unknown[]): Promise<number> {
    return this.#sync.receiveMail(groupId, entries);
  }

  static async load(options: GroupsOptions): Promise<Groups> {
    const groups = new Groups(options);
    const ids = (await options.store.get<string[]>(Keyspace.groups)) ?? [];
    for (const id of ids) {
      const group = await Group.open(groups.#context(), id);
      groups.#byId.set(id, group);
      groups.#ids.add(id);
      let unread = 0;
      for (const e of await group.log.history({ limit: 200 })) if (groups.#unseen(group, e, await groups.#view(group, e))) unread++;
      groups.#unread.set(id, unread);
    }
    return groups;
  }

  register(router: FrameRouter): void {
    this.#sync.register(router);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  list(): GroupInfo[] {
    return [...this.#byId.values()].map((g) => this.#info(g));
  }

  info(id: string): GroupInfo {
    return this.#info(this.#require(id));
  }

  onSession(session: SecureSession): void {
    this.#sync.onSession(session, this.#byId.values());
  }

  onBeat(session: SecureSession): void {
    this.#sync.onBeat(session, this.#byId.values());
  }

  /** Creates a group of friends with this profile as its first admin. */
  async create(name: string, memberIds: string[]): Promise<GroupInfo> {
    const groupName = checkName(name);
    if (!Array.isArray(memberIds)) throw new FriendsChatError('bad-input', 'memberIds must be an array of friend IDs');
    const ids = [...new Set(memberIds)].filter((id) => id !== this.#me);
    if (ids.length + 1 > MAX_MEMBERS) throw new FriendsChatError('group-full', `a group has at most ${MAX_MEMBERS} members`);
    if (this.#byId.size >= MAX_GROUPS) throw new FriendsChatError('group-full', `at most ${MAX_GROUPS} groups`);
    const members = [{ id: this.#me, dh: toHex(this.#o.identity.dh.publicKey) }, ...ids.map((id) => ({ id, dh: this.#friendKey(id) }))];
    const nonce = toHex(randomBytes(16));
    const group = await Group.open(this.#context(), groupIdFor(this.#me, nonce));
    await this.#change(group, { op: 'create', name: groupName, nonce, members });
    await this.#remember(group);
    const info = this.#info(group);
    this.#o.onGroup('created', info);
    return info;
  }

  async addMember(groupId: string, id: string): Promise<GroupInfo> {
    const group = this.#requireAdmin(groupId);
    if (group.isMember(id)) throw new FriendsChatError('bad-input', 'already a member');
    if (group.membership.members.size >= MAX_MEMBERS) throw new FriendsChatError('group-full', `a group has at most ${MAX_MEMBERS} members`);
    await this.#change(group, { op: 'add', id, dh: this.#friendKey(id) });
    this.#sync.sendHeads(this.#o.session(id), group, true);
    return this.#info(group);
  }

  async removeMember(groupId: string, id: string): Promise<GroupInfo> {
    const group = this.#requireAdmin(groupId);
    if (!group.isMember(id)) throw new FriendsChatError('bad-input', 'not a member of this group');
    if (id === this.#me) return this.leave(groupId);
    await this.#change(group, { op: 'remove', id });
    return this.#info(group);
  }

  async setAdmin(groupId: string, id: string, admin: boolean): Promise<GroupInfo> {
    const group = this.#requireAdmin(groupId);
    if (!group.isMember(id)) throw new FriendsChatError('bad-input', 'not a member of this group');
    await this.#change(group, { op: 'admin', id, on: !!admin });
    return this.#info(group);
  }

  async rename(groupId: string, name: string): Promise<GroupInfo> {
    const group = this.#requireAdmin(groupId);
    await this.#change(group, { op: 'rename', name: checkName(name) });
    return this.#info(group);
  }

  async leave(groupId: string): Promise<GroupInfo> {
    const group = this.#requireActive(groupId);
    await this.#change(group, { op: 'leave' });
    return this.#info(group);
  }

  /** A text message, or with `replyTo` a reply quoting a message of the group. */
  sendMessage(groupId: string, text: string, replyTo?: string): Promise<ChatMessage> {
    checkText(text);
    return replyTo === undefined ? this.#send(this.#requireActive(groupId), 'text', text) : this.act(groupId, 'reply', replyTo, text);
  }

  /** A reply, reaction, edit or deletion, checked as every member will check it (core/actions.ts). */
  async act(groupId: string, kind: 'reply' | 'react' | 'edit' | 'delete', ref: string, value?: string): Promise<ChatMessage> {
    requireMessageId(ref);
    const group = this.#requireActive(groupId);
    return this.#send(group, kind, await ownAction(kind, ref, value, this.#me, (id) => group.find(id)));
  }

  /** A file message (`manifest` its encoded manifest): the bytes are kept before its entry is stored. */
  async sendFile(groupId: string, blob: Blob, manifest: string): Promise<ChatMessage> {
    const group = this.#requireActive(groupId);
    let id = '';
    try {
      return await this.#send(group, 'file', manifest, (e) => this.#o.files.outgoing(groupId, (id = e.id), blob, manifest));
    } catch (error) {
      if (id) await this.#o.files.drop(id);
      throw error;
    }
  }

  isMember(groupId: string, id: string): boolean {
    return !!this.#byId.get(groupId)?.isMember(id);
  }

  #view(group: Group, entry: Entry): Promise<ChatMessage | undefined> {
    return toGroupMessage(group, entry, (id) => this.#o.files.progress(group.id, id));
  }

  async #send(group: Group, t: GroupKind, b: string, before?: (entry: Entry) => Promise<void>): Promise<ChatMessage> {
    if (utf8(b).length > MAX_GROUP_TEXT_BYTES) throw new FriendsChatError('message-too-large', 'a group message is at most 48 KiB');
    const made = await group.send({ t, b }, before);
    this.#sync.announce(group, made);
    const message = (await this.#view(group, made.at(-1)!))!;
    this.#status.set(message.id, reachKey(message));
    return message;
  }

  /** The oldest message counted in the group's `unread`, if any. */
  async firstUnread(groupId: string): Promise<string | undefined> {
    const group = this.#require(groupId);
    if (!this.#unread.get(groupId)) return undefined;
    for (const e of await group.log.history({ limit: 200 })) {
      const message = await this.#view(group, e);
      if (this.#unseen(group, e, message)) return message!.id;
    }
    return undefined;
  }

  /** The user has seen the group: nothing of it is unread. */
  async markRead(groupId: string): Promise<void> {
    const group = this.#require(groupId);
    if (!this.#unread.get(groupId) && group.readClock >= group.log.maxClock) return;
    group.readClock = group.log.maxClock;
    this.#unread.set(groupId, 0);
    await group.saveAcks();
    this.#o.onChange();
  }

  async history(groupId: string, options: { before?: string; limit?: number } = {}): Promise<ChatMessage[]> {
    const group = this.#require(groupId);
    const limit = Math.max(1, Math.min(options.limit ?? 50, 1000));
    const out: ChatMessage[] = [];
    let before = options.before;
    // Sender keys and entries that did not count take places in the log: page until enough show.
    for (;;) {
      const page = await group.log.history({ limit, ...(before ? { before } : {}) });
      const shown = await Promise.all(page.map((e) => this.#view(group, e)));
      out.unshift(...(shown.filter(Boolean) as ChatMessage[]));
      if (page.length < limit || out.length >= limit) return out.slice(-limit);
      before = page[0]!.id;
    }
  }

  get #me(): string {
    return this.#o.identity.profileId;
  }

  #context() {
    return { store: this.#o.store, identity: this.#o.identity, now: this.#o.now };
  }

  async #change(group: Group, op: MemberOp): Promise<void> {
    const wasMember = group.isMember(this.#me);
    const entry = await group.change(op);
    this.#sync.announce(group, [entry]);
    const message = await this.#view(group, entry);
    if (message) this.#o.onMessage(message);
    if (op.op !== 'create') await this.#reportStatus(group);
    if (op.op !== 'create') this.#o.onGroup(wasMember && !group.isMember(this.#me) ? 'left' : 'changed', this.#info(group));
    this.#o.onChange();
  }

  async #onStored(group: Group, entries: Entry[], joined: boolean): Promise<void> {
    // A new group shows in `groups` with its 'joined' event, before its messages.
    if (joined) {
      await this.#remember(group);
      this.#o.onGroup('joined', this.#info(group));
    }
    let changed = false;
    for (const entry of entries) {
      changed ||= entry.kind === 'member';
      const opened = group.effective(entry) ? group.opened(entry) : undefined;
      if (opened?.kind === 'file' && !checkFileBody(opened)) await this.#o.files.incoming(group.id, opened);
      const message = await this.#view(group, entry);
      if (message) this.#o.onMessage(message);
      if (this.#unseen(group, entry, message)) this.#unread.set(group.id, (this.#unread.get(group.id) ?? 0) + 1);
    }
    if (changed && !joined) {
      const gone = group.membership.gone.get(this.#me);
      this.#o.onGroup(gone === 'removed' && !group.isMember(this.#me) ? 'removed' : 'changed', this.#info(group));
      await this.#reportStatus(group);
    }
    this.#o.onChange();
  }

  /** Reports own messages whose status or reach moved (a member confirmed holding them, or the members changed). */
  async #reportStatus(group: Group): Promise<void> {
    for (const entry of await group.log.entriesAfter(this.#me, Math.max(0, (group.log.head(this.#me)?.seq ?? 0) - 200))) {
      if (entry.kind !== 'sealed') continue;
      const reach = groupReach(group, entry);
      const key = reachKey(reach);
      if (this.#status.get(entry.id) === key || reach.status === 'sending') continue;
      this.#status.set(entry.id, key);
      this.#o.onMessageStatus(group.id, entry.id, reach.status, reach.reach);
    }
    this.#o.onChange();
  }

  async #join(id: string): Promise<Group | undefined> {
    if (this.#byId.size >= MAX_GROUPS) return undefined;
    return Group.open(this.#context(), id);
  }

  async #discard(group: Group): Promise<void> {
    await group.log.clear();
  }

  /** Stores the list with the group in it, then lists it (no await between that and its event). */
  async #remember(group: Group): Promise<void> {
    this.#ids.add(group.id);
    await this.#o.store.set(Keyspace.groups, [...this.#ids]);
    this.#byId.set(group.id, group);
  }

  /** A message (not an action on one) of someone else, newer than what the user has seen. */
  #unseen(group: Group, entry: Entry, message: ChatMessage | undefined): boolean {
    return !!message?.incoming && !message.system && isMessageKind(message.kind) && entry.clock > group.readClock;
  }

  #info(group: Group): GroupInfo {
    const members = [...group.membership.members.values()].map((m) => ({ id: m.id, admin: m.admin }));
    return {
      id: group.id,
      name: group.membership.name,
      members,
      admin: !!group.membership.members.get(this.#me)?.admin,
      active: group.isMember(this.#me),
      unread: this.#unread.get(group.id) ?? 0,
    };
  }

  /** A friend's pinned X25519 key: only friends can be added, and their key is what the group seals to. */
  #friendKey(id: string): string {
    const contact = typeof id === 'string' ? this.#o.contacts.get(id) : undefined;
    if (!contact || contact.state !== 'friend' || !contact.pinnedKey) throw new FriendsChatError('unknown-friend', 'only friends can be added to a group');
    if (contact.changedKey) throw new FriendsChatError('key-changed', 'this friend\u2019s key changed; verify it first');
    return contact.pinnedKey;
  }

  #require(id: string): Group {
    const group = typeof id === 'string' ? this.#byId.get(id) : undefined;
    if (!group) throw new FriendsChatError('unknown-group', 'no such group');
    return group;
  }

  #requireActive(id: string): Group {
    const group = this.#require(id);
    if (!group.isMember(this.#me)) throw new FriendsChatError('unknown-group', 'you are no longer a member of this group');
    return group;
  }

  #requireAdmin(id: string): Group {
    const group = this.#requireActive(id);
    if (!group.membership.members.get(this.#me)?.admin) throw new FriendsChatError('not-admin', 'only an admin of the group can do that');
    return group;
  }
}

const reachKey = (m: Pick<ChatMessage, 'status' | 'reach'>): string => `${m.status} ${m.reach?.count}/${m.reach?.of}`;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) throw new FriendsChatError('bad-input', 'a group name is 1 to 100 characters');
  return name.trim();
}
