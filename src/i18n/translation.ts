/**
 * Every string the UI shows. A catalog that misses a key fails the type check.
 * Functions take counts or names so each language can get plurals and word order right.
 */
export interface Translation {
  title: string;
  status: { connecting: string; online: string; offline: string; starting: string };
  presence: { online: string; offline: string; connecting: string };
  /** A friend's status next to their presence (an invisible friend shows as offline). */
  friendStatus: { away: string; busy: string };
  yourId: string;
  copy: string;
  copied: string;
  errorPrefix: string;
  /** Shown instead of the chat where the page is not a secure context or lacks WebCrypto Ed25519/X25519. */
  unsupportedBrowser: string;
  friendsCount: (n: number) => string;
  unread: (n: number) => string;
  /** Requests not kept: too many at once or too many waiting (the oldest go). */
  droppedRequests: (n: number) => string;
  /** The first run and adding a friend later. */
  start: {
    /** Two sentences: what this is, and how to begin. */
    intro: string;
    invite: string;
    haveInvite: string;
    addFriend: string;
    share: string;
    used: (name: string) => string;
  };
  friends: string;
  requests: string;
  outgoing: string;
  declined: string;
  accept: string;
  decline: string;
  addFriend: string;
  addFriendLabel: string;
  add: string;
  note: string;
  invite: string;
  inviteHelp: string;
  back: string;
  messageLabel: string;
  send: string;
  typing: (name: string) => string;
  statusLabel: { sending: string; sent: string; delivered: string; read: string; failed: string };
  expired: string;
  /** A friend's message that arrived after later ones they had confirmed. */
  arrivedLater: string;
  expiresIn: (seconds: number) => string;
  keyChanged: string;
  verify: string;
  safetyNumber: string;
  loadOlder: string;
  noMessages: string;
  newMessageFrom: (name: string) => string;
  today: string;
  unknownName: string;
  viaInvite: string;
  openElsewhere: string;
  inviteQr: string;
  jumpToNewest: string;
  /** The line above the first message that was unread when the conversation opened. */
  newMessages: string;
  jumpToUnread: string;
  attachFile: string;
  dropFiles: string;
  settings: {
    open: string;
    close: string;
    title: string;
    displayName: string;
    /** The own status: shown to friends only. */
    status: string;
    statuses: { available: string; away: string; busy: string; invisible: string };
    statusText: string;
    about: string;
    statusHelp: string;
    theme: string;
    themes: { auto: string; light: string; dark: string };
    language: string;
    typing: string;
    receipts: string;
    backup: string;
    backupHelp: string;
    passphrase: string;
    exportBackup: string;
    backupText: string;
    restore: string;
    restoreBackup: string;
    exported: string;
    restored: string;
    notify: string;
    previews: string;
    denied: string;
  };
  /** Groups (docs/groups.md); `line` words the system lines of a group's thread. */
  group: {
    title: string;
    none: string;
    members: (n: number) => string;
    create: string;
    name: string;
    pick: string;
    admin: string;
    you: string;
    makeAdmin: string;
    dropAdmin: string;
    remove: string;
    add: string;
    rename: string;
    leave: string;
    gone: string;
    reach: (n: number, of: number) => string;
    /** System lines; `null` for `by` or `who` means the user. */
    line: {
      create: (by: string | null, name: string) => string;
      add: (by: string | null, who: string | null) => string;
      remove: (by: string | null, who: string | null) => string;
      admin: (by: string | null, who: string | null) => string;
      unadmin: (by: string | null, who: string | null) => string;
      rename: (by: string | null, name: string) => string;
      leave: (who: string | null) => string;
    };
  };
  /** The form shown while the chat is locked (docs/storage-lock.md). */
  lock: {
    title: string;
    setup: string;
    passphrase: string;
    repeat: string;
    unlock: string;
    enable: string;
    mismatch: string;
    remember: string;
    passkey: string;
    rememberHelp: string;
  };
  file: {
    waiting: string;
    /** A large file that is fetched only when the user asks. */
    awaiting: string;
    fetch: string;
    transferring: (percent: number) => string;
    done: string;
    failed: (reason: string) => string;
    cancelled: (reason: string) => string;
    cancel: string;
    download: string;
    open: (name: string) => string;
    close: string;
    progressLabel: (name: string) => string;
  };
  /** Reply, react, edit, delete (elements/message-actions.ts). */
  actions: {
    menu: string;
    reply: string;
    edit: string;
    delete: string;
    confirmDelete: string;
    deleted: string;
    edited: string;
    cancel: string;
    you: string;
    replyTo: (name: string) => string;
    editing: string;
    reactedBy: (names: string) => string;
  };
  /** Message search (elements/search-panel.ts). */
  search: {
    open: string;
    close: string;
    label: string;
    here: (name: string) => string;
    results: (n: number) => string;
    none: string;
    searching: string;
    file: string;
  };
  /** The emoji picker (elements/emoji-picker.ts); `groups` in the order of its data. */
  emoji: {
    open: string;
    more: string;
    search: string;
    none: string;
    groups: [string, string, string, string, string, string];
  };
  /** Copying a message's text (the message toolbar). */
  copyText: string;
  copiedText: string;
  copyFailed: string;
}

export type Lang = 'en' | 'de';
