import { ContextConsumer, createContext } from '@lit/context';
import type { ReactiveControllerHost } from 'lit';
import { en } from '../i18n/en.js';
import type { Translation } from '../i18n/index.js';

/** The widget's current translation, provided by the root element to every part inside it. */
export const translationContext = createContext<Translation>(Symbol('friends-chat-translation'));

/**
 * The translation for a part of the widget; the part re-renders when the language
 * changes. Outside a widget (a part used alone) it is English.
 */
export function useTranslation(host: ReactiveControllerHost & HTMLElement): () => Translation {
  const consumer = new ContextConsumer(host, { context: translationContext, subscribe: true });
  return () => consumer.value ?? en;
}
