import { expect } from '@esm-bundle/chai';
import jsQR from 'jsqr';
import { waitUntil } from '../helpers/env.js';
import { mountWidget } from '../helpers/widgets.js';

/** Renders an inline SVG to a canvas (white background, 6 px per module) and decodes it with jsQR. */
async function decodeSvg(svgElement: SVGSVGElement): Promise<string | null> {
  const source = new XMLSerializer().serializeToString(svgElement);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  await image.decode();
  const size = 6 * Number(svgElement.getAttribute('viewBox')!.split(' ')[2]);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, size, size);
  context.imageSmoothingEnabled = false;
  context.drawImage(image, 0, 0, size, size);
  const pixels = context.getImageData(0, 0, size, size);
  return jsQR(pixels.data, size, size)?.data ?? null;
}

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
    // Drawn to pixels and read back by an independent decoder, it is the link.
    expect(await decodeSvg(qr.shadowRoot!.querySelector('svg')!)).to.equal(link);
    expect(qr.shadowRoot!.querySelector('svg')!.getAttribute('aria-label')).to.equal('QR code of the invite link');
    // The link works: another widget can add it.
    const other = await mountWidget();
    const friend = await other.el.addFriend(link);
    expect(friend.id).to.equal(el.profileId);
  });
});
