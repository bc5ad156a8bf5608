import { expect } from '@esm-bundle/chai';
import { waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';
import { violations } from '../helpers/axe.js';

describe('accessibility (axe-core)', function () {
  this.timeout(90000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  for (const theme of ['light', 'dark']) {
    it(`has no violations when empty, with a request, in a conversation, with files and in settings (${theme})`, async () => {
      const alice = await mountWidget({ theme, 'display-name': 'Alice' });
      expect(await violations(alice.el)).to.deep.equal([]);
      const bob = await mountWidget({ theme, 'display-name': 'Bob' });
      const invite = await alice.el.createInvite();
      await bob.el.addFriend(invite, 'hello');
      await waitUntil(() => alice.el.friends.some((f) => f.state === 'incoming'), 'request');
      await new Promise((r) => setTimeout(r, 100));
      expect(await violations(alice.el), 'roster with a request and an invite link').to.deep.equal([]);
      await alice.el.acceptFriend(bob.el.profileId);
      await waitUntil(() => bob.el.friends.some((f) => f.state === 'friend' && f.presence === 'online'), 'friends');
      await bob.el.sendMessage(alice.el.profileId, 'Hi! https://example.org');
      await alice.el.sendMessage(bob.el.profileId, 'Hallo');
      await alice.el.open(bob.el.profileId);
      await new Promise((r) => setTimeout(r, 200));
      expect(await violations(alice.el), 'conversation').to.deep.equal([]);

      // File transfer: a received image (thumbnail, download) and an own file still waiting
      // for Bob, who has gone away (progress bar and Cancel).
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 8;
      const png = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const image = await bob.el.sendFile(alice.el.profileId, png, 'dot.png');
      const thread = () => alice.el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
      await waitUntil(() => !!thread().querySelector(`[data-id="${image.id}"] friends-chat-file`)?.shadowRoot?.querySelector('img'), 'the image shows');
      bob.el.remove();
      await waitUntil(() => alice.el.friends.some((f) => f.presence === 'offline'), 'Bob offline', 30000);
      const own = await alice.el.sendFile(bob.el.profileId, new Blob([new Uint8Array(200_000)]), 'notes.pdf');
      await waitUntil(() => !!thread().querySelector(`[data-id="${own.id}"] friends-chat-file`)?.shadowRoot?.querySelector('progress'), 'the progress bar shows');
      expect(await violations(alice.el), 'file transfer').to.deep.equal([]);

      // Settings open, with a backup made.
      (alice.el.shadowRoot!.querySelector('button.settings-toggle') as HTMLButtonElement).click();
      await alice.el.updateComplete;
      await new Promise((r) => setTimeout(r, 100));
      expect(await violations(alice.el), 'settings').to.deep.equal([]);
    });
  }
});
