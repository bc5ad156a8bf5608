import { expect } from '@esm-bundle/chai';
import { render } from 'lit';
import { avatar, avatarColor, initials } from '../../src/elements/avatar.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';
import { waitUntil } from '../helpers/env.js';

/** WCAG relative luminance of an sRGB colour as the browser resolves it. */
function luminance(color: string): number {
  const probe = document.createElement('div');
  probe.style.color = color;
  document.body.append(probe);
  const [r, g, b] = getComputedStyle(probe).color.match(/[\d.]+/g)!.map(Number) as [number, number, number];
  probe.remove();
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

describe('generated avatars', function () {
  this.timeout(60000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('derives colour from the profile key and initials from the name, the same every time', () => {
    const a = 'a3'.repeat(32);
    const b = '07'.repeat(32);
    expect(avatarColor(a)).to.equal(avatarColor(a));
    expect(avatarColor(a)).to.not.equal(avatarColor(b));
    expect(initials('alice smith jones')).to.equal('AS');
    expect(initials('  Bob ')).to.equal('B');
    expect(initials('élodie')).to.equal('É');
    expect(initials('😀 Party')).to.equal('😀P');
    expect(initials('')).to.equal('?');
  });

  it('keeps white initials at 4.5:1 or more on every colour it can make', () => {
    for (let hue = 0; hue < 65536; hue += 97) {
      const l = luminance(avatarColor(hue.toString(16).padStart(4, '0') + '0'.repeat(60)));
      expect((1.05 / (l + 0.05)), `hue ${hue % 360}`).to.be.at.least(4.5);
    }
  });

  it('uses the name as the text alternative, and hides itself beside the written name', () => {
    const host = document.createElement('div');
    render(avatar('ab'.repeat(32), 'Alice'), host);
    const svg = host.querySelector('svg')!;
    expect([svg.getAttribute('role'), svg.getAttribute('aria-label'), svg.textContent!.trim()]).to.deep.equal(['img', 'Alice', 'A']);
    render(avatar('ab'.repeat(32), 'Alice', true), host);
    expect(host.querySelector('svg')!.getAttribute('aria-hidden')).to.equal('true');
  });

  it('shows the friend with the same avatar in the roster and the thread header', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice Liddell' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    await makeFriends(alice, bob);
    await alice.el.open(bob.el.profileId);
    await bob.el.open(alice.el.profileId);
    const root = bob.el.shadowRoot!;
    await waitUntil(() => !!root.querySelector('friends-chat-thread')?.shadowRoot?.querySelector('.header .avatar'), 'header avatar');
    const inRoster = root.querySelector('friends-chat-roster')!.shadowRoot!.querySelector('.friend .avatar')!;
    const inHeader = root.querySelector('friends-chat-thread')!.shadowRoot!.querySelector('.header .avatar')!;
    for (const svg of [inRoster, inHeader]) {
      expect(svg.querySelector('circle')!.getAttribute('fill')).to.equal(avatarColor(alice.el.profileId));
      expect(svg.textContent!.trim()).to.equal('AL');
    }
  });
});
