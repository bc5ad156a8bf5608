import { expect } from '@esm-bundle/chai';
import '../../src/friends-chat.js';
import type { FriendsChatReadyEvent } from '../../src/events/ready-event.js';
import { NO_ICE, registeredIds, signalingUrl, uniqueProfile, waitForEvent, waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';
import { rendezvousId } from '../../src/identity/identity.js';
import { fromHex } from '../../src/util/bytes.js';

describe('<friends-chat> with the same profile twice', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('lets one widget hold the profile; the other says so and takes over when the first goes', async () => {
    const profile = uniqueProfile('twice');
    const first = await mountWidget({ profile });
    const second = document.createElement('friends-chat');
    second.setAttribute('profile', profile);
    second.setAttribute('signaling', await signalingUrl());
    second.setAttribute('ice-servers', NO_ICE);
    const ready = waitForEvent<FriendsChatReadyEvent>(second, 'friends-chat-ready', 30000);
    document.body.append(second);
    await waitUntil(() => !!second.shadowRoot?.querySelector('.elsewhere'), 'the second widget says the profile is open elsewhere');
    expect(second.shadowRoot!.querySelector('.elsewhere')!.textContent).to.contain('another tab');
    expect(second.profileId).to.equal('');
    first.el.remove();
    const event = await ready;
    expect(event.profileId).to.equal(first.el.profileId);
    await waitUntil(() => second.signalingState === 'online', 'the second widget registers');
    expect(await registeredIds()).to.include(rendezvousId(fromHex(event.profileId)));
    expect(second.shadowRoot!.querySelector('.elsewhere')).to.equal(null);
  });
});
