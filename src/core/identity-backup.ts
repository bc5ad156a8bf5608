import { FriendsChatError } from '../errors.js';
import { openBackup, sealBackup } from '../identity/backup.js';
import { checkImportedContacts } from '../identity/contact-schema.js';
import { Identity } from '../identity/identity.js';
import { Keyspace } from '../storage/keyspace.js';
import type { Store } from '../storage/store.js';
import { fromHex, fromUtf8, toHex, utf8 } from '../util/bytes.js';
import { contactRecords, type Contact } from './contacts.js';

/** An encrypted text backup of the identity's keys and the contacts (with their pins). */
export function exportIdentity(identity: Identity, contacts: Contact[], passphrase: string): Promise<string> {
  const record = identity.toRecord();
  // A friend's last Status is not carried: they send it again on the next session, and a
  // backup must stay readable by widgets whose contact schema does not know it.
  const payload = { v: 1, sign: toHex(record.signSecret), dh: toHex(record.dhSecret), contacts: contacts.map(({ status: _status, ...c }) => c) };
  return sealBackup(utf8(JSON.stringify(payload)), passphrase);
}

/**
 * Checks a backup completely, then writes identity and contacts in one transaction.
 * Returns the restored profile ID; the caller restarts the engine with it.
 */
export async function importIdentity(store: Store, backup: string, passphrase: string): Promise<string> {
  const plaintext = await openBackup(backup, passphrase);
  let parsed: { v?: unknown; sign?: unknown; dh?: unknown; contacts?: unknown };
  try {
    parsed = JSON.parse(fromUtf8(plaintext));
  } catch {
    throw new FriendsChatError('bad-backup', 'backup content is malformed');
  }
  if (parsed.v !== 1 || typeof parsed.sign !== 'string' || typeof parsed.dh !== 'string' || !Array.isArray(parsed.contacts)) {
    throw new FriendsChatError('bad-backup', 'backup content is malformed');
  }
  let identity: Identity;
  try {
    identity = await Identity.fromRecord({ v: 1, signSecret: fromHex(parsed.sign), dhSecret: fromHex(parsed.dh) });
  } catch {
    throw new FriendsChatError('bad-backup', 'backup keys are malformed');
  }
  const contacts: Contact[] = checkImportedContacts(parsed.contacts, identity.profileId);
  const before = await store.get<unknown[]>(Keyspace.contacts);
  await store.setMany([[Keyspace.identity, identity.toRecord()], ...contactRecords(contacts)]);
  // Contacts of the profile this backup replaces, which the backup does not have.
  const kept = new Set(contacts.map((c) => c.id));
  const stale = (Array.isArray(before) ? before : []).filter((id): id is string => typeof id === 'string' && !kept.has(id));
  if (stale.length) await store.delMany(stale.map(Keyspace.contact));
  return identity.profileId;
}
