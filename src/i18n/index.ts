import { de } from './de.js';
import { en } from './en.js';
import type { Lang, Translation } from './translation.js';

export type { Lang, Translation } from './translation.js';

const CATALOGS: Record<Lang, Translation> = { en, de };

/** `de-AT` → `de`; anything unknown → null so the caller can report it. */
export function resolveLang(value: string | null | undefined): Lang | null {
  if (!value) return null;
  const base = value.trim().toLowerCase().split(/[-_]/)[0];
  return base === 'en' || base === 'de' ? base : null;
}

export function translation(lang: Lang): Translation {
  return CATALOGS[lang];
}
