/**
 * Every string the UI shows. A catalog that misses a key fails the type check.
 * Functions take counts or names so each language can get plurals and word order right.
 */
export interface Translation {
  title: string;
  status: { connecting: string; online: string; offline: string; starting: string };
  yourId: string;
  copy: string;
  copied: string;
  errorPrefix: string;
  friendsCount: (n: number) => string;
  noFriends: string;
}

export type Lang = 'en' | 'de';
export const LANGS: readonly Lang[] = ['en', 'de'];
