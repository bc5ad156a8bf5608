import { LitElement, css, svg } from 'lit';
import { correction, generate } from 'lean-qr/nano';

/**
 * A QR code of `value` drawn as one SVG path (no images, no HTML strings): the invite link,
 * to scan with a phone. Internal to `<friends-chat>`.
 */
export class FriendsChatQrCode extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      background: #fff;
      padding: 8px;
      border-radius: 6px;
      line-height: 0;
    }
    svg {
      width: var(--friends-chat-qr-size, 160px);
      height: var(--friends-chat-qr-size, 160px);
    }
  `;
  static override properties = { value: {}, label: {} };

  declare value: string;
  declare label: string;

  constructor() {
    super();
    this.value = '';
    this.label = '';
  }

  protected override render() {
    if (!this.value) return svg``;
    const qr = generate(this.value, { minCorrectionLevel: correction.M });
    const n = qr.size;
    let d = '';
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) if (qr.get(col, row)) d += `M${col + 2} ${row + 2}h1v1h-1z`;
    }
    return svg`<svg viewBox="0 0 ${n + 4} ${n + 4}" role="img" aria-label=${this.label} shape-rendering="crispEdges"><path d=${d} fill="#000"></path></svg>`;
  }
}

if (!customElements.get('friends-chat-qr-code')) customElements.define('friends-chat-qr-code', FriendsChatQrCode);
