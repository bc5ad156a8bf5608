import type { Lang } from '../i18n/index.js';
import type { OwnProfile } from '../model/index.js';

/** A setting the user changed in the settings panel. */
export interface SettingsChange {
  displayName?: string;
  theme?: 'light' | 'dark' | 'auto';
  lang?: Lang;
  typing?: boolean;
  receipts?: boolean;
  notify?: boolean;
  previews?: boolean;
}

/** What each internal event of the widget's parts carries up to the root element. */
export interface UiEventDetails {
  /** `at`: a message to open the conversation at (a search result). */
  'fc-open': { id: string; at?: string };
  'fc-accept': { id: string };
  'fc-decline': { id: string };
  'fc-add': { text: string; note: string };
  'fc-invite': null;
  'fc-send': { text: string; replyTo?: string };
  'fc-react': { id: string; emoji: string };
  'fc-edit': { id: string; text: string };
  'fc-delete': { id: string };
  'fc-jump': { id: string };
  'fc-jump-unread': null;
  /** The composer's text for conversation `id` changed (kept as its draft). */
  'fc-draft': { id: string; text: string };
  'fc-files': { files: File[] };
  'fc-cancel-file': { id: string };
  'fc-download-file': { id: string };
  'fc-typing': null;
  'fc-back': null;
  'fc-verify': null;
  'fc-load-older': null;
  'fc-load-newer': null;
  'fc-settings': SettingsChange;
  /** The own status, status text or about text changed in the settings. */
  'fc-profile': Partial<OwnProfile>;
  'fc-export': { passphrase: string };
  'fc-import': { backup: string; passphrase: string };
  'fc-create-group': { name: string; members: string[] };
  /** An action on the open group: `target` is a member's ID, `name` a new name. */
  'fc-group': { op: 'add' | 'remove' | 'admin' | 'unadmin' | 'rename' | 'leave'; target?: string; name?: string };
}

export type UiEventType = keyof UiEventDetails;

/**
 * An internal event from one of the widget's parts to the root element (the public ones
 * are in src/events/). Typed by name: `@fc-open=${(e: UiEvent<'fc-open'>) => e.detail.id}`.
 * It bubbles to the root element's shadow root, where one table handles them all; only
 * with `crossesShadow` does it leave a part's own shadow root (a file message inside the
 * thread reaches the root that way).
 */
export class UiEvent<K extends UiEventType> extends Event {
  readonly detail: UiEventDetails[K];

  constructor(type: K, detail: UiEventDetails[K], crossesShadow = false) {
    super(type, { bubbles: true, composed: crossesShadow });
    this.detail = detail;
  }
}

type UiEventMap = { [K in UiEventType]: UiEvent<K> };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends UiEventMap {}
}
