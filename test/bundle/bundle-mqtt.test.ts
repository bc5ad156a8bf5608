import { expect } from '@esm-bundle/chai';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { mqttEnv } from '../transport/mqtt-env.js';
import type {} from '../../src/elements/friends-chat.js';

// The built bundle, not the sources: the build trims its libraries (tools/*-slim.mjs)
// and computes noble's SHA-2 tables (tools/sha2-constants.mjs), so
// the code that runs here is only ever tested here and in the interop run.

/** The element as the bundle defines it (the same public type as the sources'). */
type BundleWidget = HTMLElementTagNameMap['friends-chat'];

async function bundleFrame(): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><html><head><script type="module" src="${location.origin}/dist/friends-chat.js"></script></head><body></body></html>`;
  document.body.append(frame);
  await waitUntil(() => !!frame.contentWindow?.customElements?.get('friends-chat'), 'the bundle defines <friends-chat>');
  return frame;
}

async function widget(frame: HTMLIFrameElement, profile: string, signaling: string): Promise<BundleWidget> {
  const el = frame.contentDocument!.createElement('friends-chat');
  el.setAttribute('profile', profile);
  el.setAttribute('signaling', signaling);
  el.setAttribute('ice-servers', '[]');
  frame.contentDocument!.body.append(el);
  await el.ready;
  return el;
}

describe('dist/friends-chat.js over MQTT', function () {
  this.timeout(120000);

  it('two bundle widgets become friends, chat live, and a message written while one is away arrives through the mailbox', async () => {
    const signaling = (await mqttEnv()).urls.join(' ');
    const frame = await bundleFrame();
    const bobProfile = uniqueProfile('bundle-bob');
    const alice = await widget(frame, uniqueProfile('bundle-alice'), signaling);
    let bob = await widget(frame, bobProfile, signaling);
    expect(alice.profileId).to.match(/^[0-9a-f]{64}$/);

    await bob.addFriend(await alice.createInvite(), 'bundle');
    await waitUntil(() => alice.friends.some((f) => f.id === bob.profileId && f.state === 'incoming'), 'Alice sees Bob’s request', 30000);
    await alice.acceptFriend(bob.profileId);
    await waitUntil(
      () => alice.friends.some((f) => f.id === bob.profileId && f.state === 'friend' && f.presence === 'online') &&
        bob.friends.some((f) => f.id === alice.profileId && f.state === 'friend' && f.presence === 'online'),
      'both are friends and online',
      30000,
    );
    expect(await alice.safetyNumber(bob.profileId)).to.equal(await bob.safetyNumber(alice.profileId));

    const live = await alice.sendMessage(bob.profileId, 'live through the bundle');
    await waitUntil(async () => (await bob.history(alice.profileId)).some((m) => m.id === live.id), 'Bob has the live message', 30000);

    const bobId = bob.profileId;
    bob.remove();
    await waitUntil(() => alice.friends.some((f) => f.id === bobId && f.presence === 'offline'), 'Alice sees Bob go', 30000);
    const mailed = await alice.sendMessage(bobId, 'through the mailbox');
    await new Promise((r) => setTimeout(r, 1000)); // the mailbox sink publishes it to the broker
    alice.remove(); // only the broker holds it now

    bob = await widget(frame, bobProfile, signaling);
    await waitUntil(async () => (await bob.history(alice.profileId)).some((m) => m.id === mailed.id), 'Bob finds it on his return', 60000);
    const texts = (await bob.history(alice.profileId)).map((m) => m.text);
    expect(texts).to.deep.equal(['live through the bundle', 'through the mailbox']);
    frame.remove();
  });
});
