import { ChatEngine, type ChatEngineOptions } from '../../src/core/chat-engine.js';
import type { Contact } from '../../src/core/contacts.js';
import type { FileProgress } from '../../src/files/file-transfers.js';
import type { ChatMessage, MessageStatus } from '../../src/core/message.js';
import type { FriendsChatError } from '../../src/errors.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { Store } from '../../src/storage/store.js';
import type { LoopbackNetwork } from '../../src/transport/loopback/loopback-network.js';
import { LoopbackSignaling } from '../../src/transport/loopback/loopback-signaling.js';
import { rendezvousId } from '../../src/identity/identity.js';
import { directConversationId } from '../../src/log/conversation-id.js';
import { SecureSession } from '../../src/session/secure-session.js';
import { fromHex } from '../../src/util/bytes.js';
import { waitUntil } from './env.js';

/** A chat engine on the loopback network, recording every event it raises. */
export interface TestPeer {
  engine: ChatEngine;
  store: Store;
  id: string;
  requests: Contact[];
  friends: Contact[];
  messages: ChatMessage[];
  statuses: { friendId: string; id: string; status: MessageStatus; reason?: string }[];
  warnings: { reason: string; peer: string; detail: string }[];
  errors: FriendsChatError[];
  typing: { friendId: string; on: boolean }[];
  progress: FileProgress[];
}

export async function startPeer(network: LoopbackNetwork, store: Store = new MemoryStore(), extra: Partial<ChatEngineOptions> = {}): Promise<TestPeer> {
  const peer = { store, requests: [], friends: [], messages: [], statuses: [], warnings: [], errors: [], typing: [], progress: [] } as unknown as TestPeer;
  peer.engine = await ChatEngine.open({
    store,
    signaling: new LoopbackSignaling(network),
    displayName: () => 'peer',
    privacy: () => ({ typing: true, receipts: true }),
    onError: (e) => peer.errors.push(e),
    onSignalingState: () => {},
    onFriendRequest: (c) => peer.requests.push(c),
    onFriend: (c) => peer.friends.push(c),
    onPresence: () => {},
    onMessage: (m) => peer.messages.push(m),
    onMessageStatus: (friendId, id, status, reason) => peer.statuses.push({ friendId, id, status, ...(reason ? { reason } : {}) }),
    onWarning: (reason, p, detail) => peer.warnings.push({ reason, peer: p, detail }),
    onTyping: (friendId, on) => peer.typing.push({ friendId, on }),
    onFileProgress: (p) => peer.progress.push(p),
    onChange: () => {},
    heartbeatInterval: 50,
    deadAfter: 400,
    backoff: { min: 10, max: 100 },
    ...extra,
  });
  peer.id = peer.engine.identity.profileId;
  return peer;
}

/** Alice invites Bob, Bob adds the invite, Alice accepts: both are friends. */
export async function befriend(alice: TestPeer, bob: TestPeer): Promise<void> {
  const invite = await alice.engine.createInvite();
  await bob.engine.addFriend(invite, 'hi, it is Bob');
  await waitUntil(() => alice.engine.contacts.get(bob.id)?.state === 'incoming', 'Alice sees the request');
  await alice.engine.acceptFriend(bob.id);
  await waitUntil(() => bob.engine.contacts.isFriend(alice.id) && alice.engine.contacts.isFriend(bob.id), 'both are friends');
  await waitUntil(() => alice.engine.presence(bob.id) === 'online' && bob.engine.presence(alice.id) === 'online', 'both are online');
}

export async function texts(peer: TestPeer, friendId: string): Promise<string[]> {
  return (await peer.engine.history(friendId, { limit: 1000 })).map((m) => m.text);
}

/**
 * A friend gone rogue: Mallory's own engine stops, and a raw signaling endpoint with her real
 * keys remains, from which `connect()` opens authenticated sessions to Alice. `c` is their
 * conversation.
 */
export async function goRogue(network: LoopbackNetwork, alice: TestPeer, mallory: TestPeer) {
  const identity = mallory.engine.identity;
  const c = directConversationId(identity.profileId, alice.id);
  mallory.engine.stop();
  await waitUntil(() => alice.engine.presence(mallory.id) === 'offline', 'Mallory offline');
  const signaling = new LoopbackSignaling(network);
  signaling.start(identity.rendezvousId);
  const connect = async (): Promise<SecureSession> =>
    SecureSession.establish(await signaling.dial(rendezvousId(fromHex(alice.id))), { identity, displayName: 'Mallory' });
  return { identity, c, signaling, connect };
}
