import type { Translation } from './translation.js';

const plural = new Intl.PluralRules('en');

export const en: Translation = {
  title: 'Friends chat',
  status: { connecting: 'Connecting…', online: 'Online', offline: 'Offline', starting: 'Starting…' },
  yourId: 'Your ID',
  copy: 'Copy',
  copied: 'Copied',
  errorPrefix: 'Problem',
  friendsCount: (n) => (plural.select(n) === 'one' ? `${n} friend` : `${n} friends`),
  noFriends: 'No friends yet. Share an invite to start chatting.',
};
