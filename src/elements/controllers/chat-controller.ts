import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FriendsChatHooks } from '../../app/create-friends-chat.js';
import { defaultRegistry } from '../../app/default-registry.js';
import { checkAutoDownloadLimit, checkConnection, checkLang, checkMaxFileSize, type ConnectionAttributes } from '../../config/attributes.js';
import type { ChatEngine } from '../../core/chat-engine.js';
import { toFriendInfo } from '../../core/friend-info.js';
import { FriendsChatError, toFriendsChatError } from '../../errors.js';
import { FriendsChatErrorEvent } from '../../events/error-event.js';
import { FriendsChatFileProgressEvent } from '../../events/file-progress-event.js';
import { FriendsChatFriendEvent } from '../../events/friend-event.js';
import { FriendsChatFriendRequestEvent } from '../../events/friend-request-event.js';
import { FriendsChatGroupEvent } from '../../events/group-event.js';
import { FriendsChatMessageEvent } from '../../events/message-event.js';
import { FriendsChatMessageStatusEvent } from '../../events/message-status-event.js';
import { FriendsChatPresenceEvent } from '../../events/presence-event.js';
import { FriendsChatReadyEvent } from '../../events/ready-event.js';
import { FriendsChatSecurityWarningEvent } from '../../events/security-warning-event.js';
import { FriendsChatUnreadEvent } from '../../events/unread-event.js';
import { translation } from '../../i18n/index.js';
import type { ChatMessage, FriendInfo } from '../../model/index.js';
import { isManualCapable, type ManualCapable } from '../../transport/manual-capable.js';
import type { SignalingRegistry } from '../../transport/registry.js';
import type { SignalingState } from '../../transport/signaling.js';
import { displayName } from '../display-name.js';
import { DraftModel } from '../models/draft-model.js';
import { RosterModel, type RosterEntry } from '../models/roster-model.js';
import { ThreadWindow } from '../models/thread-window.js';
import { TypingModel } from '../models/typing-model.js';
import { EngineController } from './engine-controller.js';
import { notify } from './notifier.js';

/** What the controller reads from the root element: its attributes, and where events go. */
export interface ChatHost extends ReactiveControllerHost, EventTarget, ConnectionAttributes {
  readonly isConnected: boolean;
  readonly displayName: string;
  readonly noTypingIndicators: boolean;
  readonly noReadReceipts: boolean;
  readonly maxFileSize: number;
  readonly autoDownloadLimit: number;
  readonly lang: string;
  readonly notifications: boolean;
  readonly notificationPreviews: boolean;
  open(id: string): Promise<void>;
}

/**
 * The root element's link to the core: starts it from the checked attributes (through
 * `createFriendsChat`), turns what the engine reports into the element's public events
 * and into the thread, roster and typing models, and reports every error once as a
 * `friends-chat-error` event and a line in the UI.
 */
export class ChatController implements ReactiveController {
  readonly thread: ThreadWindow;
  readonly roster: RosterModel;
  readonly typing: TypingModel;
  readonly core: EngineController;
  signalingState: SignalingState | 'starting' = 'starting';
  profileId = '';
  lastError: FriendsChatError | null = null;
  /** Another tab holds this profile; this one waits to take over. */
  elsewhere = false;
  /** The store is locked (docs/storage-lock.md); the lock controller listens. */
  onLocked: () => void = () => {};
  /** Unread messages in all conversations (the open one counts as read while the page is visible). */
  unread = 0;
  /** The composer's drafts, for the running engine only (null while none runs). */
  drafts: DraftModel | null = null;
  #unreadKey = '';
  /** Files the user gave, sent one after another. */
  #files: Promise<unknown> = Promise.resolve();
  readonly #host: ChatHost;
  readonly #registry: SignalingRegistry;
  readonly #reported = new Set<string>();
  readonly #onOnline = (): void => this.core.engine?.nudge();
  readonly #onVisible = (): void => {
    if (document.visibilityState !== 'visible') return;
    this.core.engine?.nudge();
    void this.markRead(this.thread.friendId);
  };

  constructor(host: ChatHost, registry: SignalingRegistry = defaultRegistry()) {
    this.#host = host;
    this.#registry = registry;
    this.core = new EngineController(host, this.#hooks(), {
      onStarted: (engine) => this.#started(engine),
      onElsewhere: (waiting) => this.#set(() => (this.elsewhere = waiting)),
      onFailed: (error) => this.report(error),
      onLocked: () => this.onLocked(),
    });
    this.thread = new ThreadWindow(host, (id, options) => this.core.engine?.history(id, options) ?? Promise.resolve([]));
    this.roster = new RosterModel(
      host,
      () => this.core.engine,
      () => (document.visibilityState === 'visible' ? this.thread.friendId : ''),
      (entries) => this.#unread(entries),
    );
    this.typing = new TypingModel(host);
    host.addController(this);
  }

  /** Back online or visible again: retry the broker and friends now, not after back-off. */
  hostConnected(): void {
    window.addEventListener('online', this.#onOnline);
    document.addEventListener('visibilitychange', this.#onVisible);
    this.restart();
  }

  hostDisconnected(): void {
    void this.closeDrafts();
    window.removeEventListener('online', this.#onOnline);
    document.removeEventListener('visibilitychange', this.#onVisible);
  }

  get engine(): ChatEngine | null {
    return this.core.engine;
  }

  /** The checked connection attributes of the host, as the core will run on them. */
  connection(): ReturnType<typeof checkConnection> {
    return checkConnection(this.#host, this.#registry);
  }

  /** (Re)starts the core on the host's current attributes; wrong ones are reported once. */
  restart(): void {
    const { config, problems } = this.connection();
    for (const problem of problems) this.reportOnce(problem);
    this.#set(() => (this.signalingState = 'starting'));
    void this.closeDrafts();
    this.core.restart(config);
  }

  /** Runs a public method: waits for the engine, turns every failure into a FriendsChatError. */
  call<T>(run: (engine: ChatEngine) => Promise<T>): Promise<T> {
    return this.core.call(this.#host.isConnected, run);
  }

  /** A call the UI made: a failure is shown and reported, never left to the page. */
  fromUi(call: Promise<unknown>): void {
    call.catch((error: unknown) => this.report(toFriendsChatError(error, 'internal')));
  }

  /** Files picked, dropped or pasted: sent one after another so their order holds; one that fails is reported and the rest still go. */
  sendInOrder(files: File[], send: (file: File) => Promise<unknown>): void {
    // One queue for the widget: files picked, dropped and pasted one after another go in that order.
    for (const file of files) {
      const sent = this.#files.then(() => send(file));
      this.fromUi(sent);
      this.#files = sent.catch(() => {});
    }
  }

  info(contact: { id: string }): FriendInfo {
    const engine = this.core.engine!;
    return toFriendInfo(engine.contacts.get(contact.id)!, engine.presence(contact.id), engine.identity.profileId);
  }

  /** The signaling backend's copy-paste steps, if it has them (`manual:`). */
  manual(): ManualCapable {
    const signaling = this.core.signaling;
    if (!isManualCapable(signaling)) throw new FriendsChatError('bad-input', 'this needs signaling="manual:"');
    return signaling;
  }

  /** Writes what is pending and takes no more drafts until the next engine (before a lock seals the store, say). */
  closeDrafts(): Promise<unknown> {
    const drafts = this.drafts;
    this.drafts = null;
    return drafts?.flush() ?? Promise.resolve();
  }

  async markRead(id: string): Promise<void> {
    const engine = this.core.engine;
    if (!engine || !id || document.visibilityState !== 'visible' || this.thread.friendId !== id) return;
    await engine.markRead(id);
  }

  reportOnce(error: FriendsChatError | undefined): void {
    if (!error || this.#reported.has(error.message)) return;
    this.#reported.add(error.message);
    this.report(error);
  }

  /** Errors become a `friends-chat-error` event and a line in the UI; never a throw. */
  report(error: FriendsChatError): void {
    this.#set(() => (this.lastError = error));
    this.dispatch(new FriendsChatErrorEvent(error));
  }

  #hooks(): FriendsChatHooks {
    const host = this.#host;
    return {
      displayName: () => host.displayName,
      privacy: () => ({ typing: !host.noTypingIndicators, receipts: !host.noReadReceipts }),
      maxFileSize: () => checkMaxFileSize(host.maxFileSize).value,
      autoDownloadLimit: () => checkAutoDownloadLimit(host.autoDownloadLimit).value,
      onError: (error) => this.report(error),
      onSignalingState: (state) => this.#set(() => (this.signalingState = state)),
      onFriendRequest: (contact) => this.dispatch(new FriendsChatFriendRequestEvent(this.info(contact))),
      onFriend: (contact) => this.dispatch(new FriendsChatFriendEvent(this.info(contact))),
      onPresence: (id, presence) => this.dispatch(new FriendsChatPresenceEvent(id, presence)),
      onMessage: (message) => {
        this.dispatch(new FriendsChatMessageEvent(message));
        this.thread.append(message);
        this.#notify(message);
        void this.markRead(message.friendId);
        this.roster.schedule();
      },
      onMessageStatus: (friendId, id, status, reason, reach) => {
        this.dispatch(new FriendsChatMessageStatusEvent(friendId, id, status, reason));
        this.thread.status(friendId, id, status, reach);
      },
      onWarning: (reason, peer, detail) => this.dispatch(new FriendsChatSecurityWarningEvent(reason, peer, detail)),
      onTyping: (friendId, typing) => this.typing.set(friendId, typing),
      onFileProgress: (progress) => {
        this.dispatch(new FriendsChatFileProgressEvent(progress));
        this.thread.progress(progress);
      },
      onExpired: (friendId, ids) => this.thread.expire(friendId, ids),
      onChange: () => this.roster.schedule(),
      onGroup: (type, group) => {
        this.dispatch(new FriendsChatGroupEvent(type, group));
        this.#host.requestUpdate();
      },
    };
  }

  async #started(engine: ChatEngine): Promise<void> {
    this.#set(() => {
      this.profileId = engine.identity.profileId;
      this.signalingState = engine.signalingState;
      this.drafts = new DraftModel(engine, (error) => this.report(toFriendsChatError(error, 'storage-failed')));
    });
    await this.roster.refresh();
    this.dispatch(new FriendsChatReadyEvent(engine.identity.profileId));
  }

  /** Tells the page when the unread counts change. */
  #unread(entries: RosterEntry[]): void {
    const byFriend = Object.fromEntries(entries.filter((e) => e.unread).map((e) => [e.id, e.unread]));
    const key = JSON.stringify(byFriend);
    if (key === this.#unreadKey) return;
    this.#unreadKey = key;
    this.unread = entries.reduce((n, e) => n + e.unread, 0);
    this.dispatch(new FriendsChatUnreadEvent(this.unread, byFriend));
  }

  /** A friend's message while the page is hidden: a system notification, if turned on. */
  #notify(m: ChatMessage): void {
    const host = this.#host;
    if (!host.notifications || !m.incoming || m.kind === 'edit' || m.kind === 'delete') return;
    const t = translation(checkLang(host.lang, document.documentElement.lang).value);
    const friend = this.roster.entries.find((f) => f.id === m.friendId);
    const title = t.newMessageFrom(friend ? displayName(friend, t) : t.unknownName);
    notify(title, host.notificationPreviews ? m.text || m.file?.name || '' : '', m.conversationId, () => this.fromUi(host.open(m.friendId)));
  }

  #set(change: () => void): void {
    change();
    this.#host.requestUpdate();
  }

  /** Dispatches one of the widget's events on the host; a page listener that throws is contained. */
  dispatch(event: Event): void {
    try {
      this.#host.dispatchEvent(event);
    } catch {
      // a page listener that throws must not break the widget
    }
  }
}
