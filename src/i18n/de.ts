import type { Translation } from './translation.js';

const plural = new Intl.PluralRules('de');

export const de: Translation = {
  title: 'Freunde-Chat',
  status: { connecting: 'Verbinde…', online: 'Online', offline: 'Offline', starting: 'Starte…' },
  yourId: 'Deine ID',
  copy: 'Kopieren',
  copied: 'Kopiert',
  errorPrefix: 'Problem',
  friendsCount: (n) => (plural.select(n) === 'one' ? `${n} Freund` : `${n} Freunde`),
  noFriends: 'Noch keine Freunde. Teile eine Einladung, um zu chatten.',
};
