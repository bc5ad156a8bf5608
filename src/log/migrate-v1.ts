import { FriendsChatError } from '../errors.js';
import { Keyspace, SCHEMA_VERSION } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { directConversationId } from './conversation-id.js';
import type { Entry } from './entry.js';

/**
 * Brings a store written by the first release up to the current layout, once, on open.
 * The first release kept one log per friend under the friend's profile ID
 * (`log:<friendId>:…`, `receipts:<friendId>`) and signed entries without a conversation
 * ID (format 1). Those logs move to their conversation's ID, and their entries are marked
 * `v: 1` so they still verify. New keys are written before the schema mark and the old
 * keys deleted after it, so a crash at any point leaves a store this function finishes.
 */
export async function migrateStore(store: Store, me: string, contactIds: string[]): Promise<void> {
  const schema = await store.get<number>(Keyspace.schema);
  if (schema === SCHEMA_VERSION) return;
  if (schema !== undefined && (typeof schema !== 'number' || schema > SCHEMA_VERSION)) {
    throw new FriendsChatError('storage-unreadable', 'this profile was stored by a newer release of friends-chat');
  }
  const keys = await store.keys();
  const old: string[] = [];
  for (const friendId of contactIds) {
    const prefix = `log:${friendId}:`;
    const mine = keys.filter((k) => k.startsWith(prefix));
    const receipts = keys.includes(`receipts:${friendId}`) ? [`receipts:${friendId}`] : [];
    if (mine.length === 0 && receipts.length === 0) continue;
    const conversationId = directConversationId(me, friendId);
    const sources = [...mine, ...receipts];
    const values = await store.getMany<unknown>(sources);
    const writes: [string, unknown][] = sources.map((source, i) => {
      const value = values[i];
      if (source.startsWith('receipts:')) return [Keyspace.receipts(conversationId), value];
      const part = source.slice(prefix.length) as Parameters<typeof Keyspace.log>[1];
      const moved = part.startsWith('page:') && Array.isArray(value) ? (value as Entry[]).map((e) => ({ ...e, v: 1 as const })) : value;
      return [Keyspace.log(conversationId, part), moved];
    });
    await store.setMany(writes);
    old.push(...sources);
  }
  await store.set(Keyspace.schema, SCHEMA_VERSION);
  if (old.length) await store.delMany(old);
}
