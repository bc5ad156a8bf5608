// Group benchmarks (docs/groups.md), self-contained like lock-bench.ts: rows `group-5-fanout`
// and `group-rotation-20`, each next to its baseline in the same page and run.
import type { FriendsChatElement } from '../src/elements/friends-chat.js';
import { LoopbackNetwork } from '../src/transport/loopback/loopback-network.js';
import { befriend, startPeer, type TestPeer } from '../test/helpers/engine.js';

interface Broker {
  host: string;
  port: number;
  path: string;
  key: string;
}

let seq = 0;

async function until(f: () => boolean, timeout = 60000): Promise<void> {
  const start = performance.now();
  while (!f()) {
    if (performance.now() - start > timeout) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 1));
  }
}

function mount(broker: Broker, profile: string): FriendsChatElement {
  const el = document.createElement('friends-chat');
  el.setAttribute('profile', profile);
  el.setAttribute('storage', 'memory');
  el.setAttribute('signaling', `peerjs://${broker.host}:${broker.port}${broker.path}?key=${broker.key}`);
  el.setAttribute('ice-servers', '[]');
  document.body.append(el);
  return el;
}

/**
 * `group-5-fanout`: five widgets in this page over the PeerJS server, Alice a friend of the
 * four others. Per sample, one group message from Alice until all four have it (their
 * `friends-chat-message` event), then the same text as four one-to-one messages to the same
 * friends over the same sessions until all four have theirs (ms per sample).
 */
async function fanout(broker: Broker, n: number): Promise<{ widget: number[]; baseline: number[] }> {
  const run = `${Date.now()}-${++seq}`;
  const [alice, ...others] = Array.from({ length: 5 }, (_, i) => mount(broker, `g${i}-${run}`));
  await Promise.all([alice!, ...others].map((el) => el.ready));
  await until(() => [alice!, ...others].every((el) => el.signalingState === 'online'));
  for (const other of others) {
    await other.addFriend(await alice!.createInvite());
    await until(() => alice!.friends.some((f) => f.id === other.profileId && f.state === 'incoming'));
    await alice!.acceptFriend(other.profileId);
    await until(() => alice!.friends.some((f) => f.id === other.profileId && f.presence === 'online') && other.friends.some((f) => f.presence === 'online'));
  }
  const got = others.map(() => new Set<string>());
  others.forEach((el, i) => el.addEventListener('friends-chat-message', (e) => got[i]!.add(e.message.text)));
  const group = await alice!.createGroup('Bench', others.map((el) => el.profileId));
  await until(() => others.every((el) => el.groups.length === 1));
  const widget: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = `group ${i}`;
    const t0 = performance.now();
    await alice!.sendMessage(group.id, g);
    await until(() => got.every((s) => s.has(g)));
    widget.push(performance.now() - t0);
    const d = `direct ${i}`;
    const t1 = performance.now();
    await Promise.all(others.map((el) => alice!.sendMessage(el.profileId, d)));
    await until(() => got.every((s) => s.has(d)));
    baseline.push(performance.now() - t1);
  }
  for (const el of [alice!, ...others]) el.remove();
  return { widget, baseline };
}

/**
 * `group-rotation-20`: twenty engines on the in-memory network, Alice a friend of all. Per
 * sample, a plain message from Alice until every other member has it (baseline), then
 * Alice removes a member and sends: ms from the removal until every remaining member has
 * that message, which Alice sealed under a new sender key for the remaining members
 * (widget). `local`: Alice's own part of that send (sealing the new key to everyone).
 */
async function rotation(n: number): Promise<{ widget: number[]; baseline: number[]; local: number[]; plainLocal: number[] }> {
  const network = new LoopbackNetwork({ seed: 20 });
  const peers: TestPeer[] = [];
  for (let i = 0; i < 20; i++) peers.push(await startPeer(network));
  const [alice, ...others] = peers;
  for (const other of others) await befriend(alice!, other);
  const group = await alice!.engine.groups.create('Twenty', others.map((p) => p.id));
  await until(() => others.every((p) => p.engine.groups.has(group.id)));
  const out = { widget: [] as number[], baseline: [] as number[], local: [] as number[], plainLocal: [] as number[] };
  const members = [...others];
  const allHave = (id: string) => () => members.every((p) => p.messages.some((m) => m.id === id));
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const plain = await alice!.engine.sendMessage(group.id, `plain ${i}`);
    out.plainLocal.push(performance.now() - t0);
    await until(allHave(plain.id));
    out.baseline.push(performance.now() - t0);
    const gone = members.pop()!;
    const t1 = performance.now();
    await alice!.engine.groups.removeMember(group.id, gone.id);
    const t2 = performance.now();
    const rotated = await alice!.engine.sendMessage(group.id, `after ${i}`);
    out.local.push(performance.now() - t2);
    await until(allHave(rotated.id));
    out.widget.push(performance.now() - t1);
  }
  for (const p of peers) p.engine.stop();
  return out;
}

(window as unknown as { benchGroup: unknown }).benchGroup = { fanout, rotation };
