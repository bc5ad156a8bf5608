import { expect } from '@esm-bundle/chai';
import qrcode from 'qrcode-generator';
import { waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';

describe('invite in the UI', function () {
  this.timeout(30000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('shows the invite as a link and as a QR code of that link', async () => {
    const { el } = await mountWidget();
    const roster = el.shadowRoot!.querySelector('friends-chat-roster')!;
    (roster.shadowRoot!.querySelector('.invite button') as HTMLButtonElement).click();
    await waitUntil(() => !!roster.shadowRoot!.querySelector('#invite-link'), 'the link appears');
    const link = (roster.shadowRoot!.querySelector('#invite-link') as HTMLInputElement).value;
    expect(link).to.match(/#friends-chat-invite=fc1\.[A-Za-z0-9_-]{107}$/);
    const qr = roster.shadowRoot!.querySelector('friends-chat-qr-code')!;
    await waitUntil(() => !!qr.shadowRoot?.querySelector('path'), 'the QR code renders');
    const d = qr.shadowRoot!.querySelector('path')!.getAttribute('d')!;
    const dark = new Set([...d.matchAll(/M(\d+) (\d+)/g)].map((m) => `${Number(m[2]) - 2},${Number(m[1]) - 2}`));
    const expected = qrcode(0, 'M');
    expected.addData(link, 'Byte');
    expected.make();
    const n = expected.getModuleCount();
    let same = 0;
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (expected.isDark(r, c) === dark.has(`${r},${c}`)) same++;
    expect(same).to.equal(n * n);
    expect(qr.shadowRoot!.querySelector('svg')!.getAttribute('aria-label')).to.equal('QR code of the invite link');
    // The link works: another widget can add it.
    const other = await mountWidget();
    const friend = await other.el.addFriend(link);
    expect(friend.id).to.equal(el.profileId);
  });
});
