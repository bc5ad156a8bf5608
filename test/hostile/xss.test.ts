import { expect } from '@esm-bundle/chai';
import { safeFileName } from '../../src/files/manifest.js';
import { waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget } from '../helpers/widgets.js';

declare global {
  interface Window {
    __xss: unknown[];
  }
}

/** Every payload would push to window.__xss if any part of it ever ran. */
const PAYLOADS = [
  '<script>window.__xss.push(1)</script>',
  '<img src=x onerror="window.__xss.push(2)">',
  '<svg onload="window.__xss.push(3)"></svg>',
  '<svg><script>window.__xss.push(4)</script></svg>',
  '<iframe srcdoc="<script>parent.__xss.push(5)</script>"></iframe>',
  '<a href="javascript:window.__xss.push(6)">click</a>',
  'javascript:window.__xss.push(7)',
  '<body onload="window.__xss.push(8)">',
  '<details open ontoggle="window.__xss.push(9)">',
  '<video><source onerror="window.__xss.push(10)"></video>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss.push(11)">',
  '"><img src=x onerror=window.__xss.push(12)>',
  "'><script>window.__xss.push(13)</script>",
  '<input autofocus onfocus="window.__xss.push(14)">',
  '<marquee onstart="window.__xss.push(15)">x</marquee>',
  '<object data="javascript:window.__xss.push(16)"></object>',
  '<embed src="javascript:window.__xss.push(17)">',
  '<form action="javascript:window.__xss.push(18)"><button>x</button></form>',
  '<base href="javascript:window.__xss.push(19)//">',
  '<link rel=import href="data:text/html,<script>parent.__xss.push(20)</script>">',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss.push(21)">',
  '<style>@import "javascript:window.__xss.push(22)";</style>',
  '<div style="background:url(javascript:window.__xss.push(23))">',
  '<template><img src=x onerror="window.__xss.push(24)"></template>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss.push(25)>">',
  '<textarea></textarea><img src=x onerror="window.__xss.push(26)">',
  '<title></title><img src=x onerror="window.__xss.push(27)">',
  '${window.__xss.push(28)}',
  '{{constructor.constructor("window.__xss.push(29)")()}}',
  '<lit-html>${"x"}</lit-html><img src=x onerror="window.__xss.push(30)">',
  'https://example.org/"onmouseover="window.__xss.push(31)',
  'http://x.test/<img src=x onerror=window.__xss.push(32)>',
  'data:text/html,<script>window.__xss.push(33)</script>',
  'vbscript:msgbox(34)',
  '<a href="JaVaScRiPt:window.__xss.push(35)">x</a>',
  '<a href=" javascript:window.__xss.push(36)">x</a>',
  '<a href="&#106;avascript:window.__xss.push(37)">x</a>',
  '<isindex type=image src=1 onerror=window.__xss.push(38)>',
  '<select autofocus onfocus=window.__xss.push(39)>',
  '<keygen autofocus onfocus=window.__xss.push(40)>',
  '<frameset onload=window.__xss.push(41)>',
  '<table background="javascript:window.__xss.push(42)">',
  '<img srcset="x" onerror="window.__xss.push(43)">',
  '<audio src=x onerror=window.__xss.push(44)>',
  '<svg><animate onbegin=window.__xss.push(45) attributeName=x dur=1s>',
  '\u202Egnp.exe\u202C <img src=x onerror=window.__xss.push(46)>',
  '\u2066Alice\u2069\u200F\u202Bevil\u202C',
  'Аlice (Cyrillic A) <img src=x onerror=window.__xss.push(48)>',
  '<scr<script>ipt>window.__xss.push(49)</scr</script>ipt>',
  '<svg><foreignObject><iframe onload=window.__xss.push(50)></iframe></foreignObject></svg>',
  '<object data="data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3MucHVzaCg1MSk8L3NjcmlwdD4="></object>',
];

/** Every element in every shadow root under `root`. */
function deepElements(root: Element | ShadowRoot): Element[] {
  const out: Element[] = [];
  for (const el of root.querySelectorAll('*')) {
    out.push(el);
    if (el.shadowRoot) out.push(...deepElements(el.shadowRoot));
  }
  return out;
}

/**
 * Instead of sleeping before "nothing ran": a broken image of our own, added now, reports its
 * error; every payload element was rendered before it, so its handlers had their turn too.
 * Two animation frames more let toggle and animation events run.
 */
async function settled(): Promise<void> {
  await new Promise<void>((resolve) => {
    const probe = new Image();
    probe.onerror = () => {
      probe.remove();
      resolve();
    };
    probe.src = `/__missing-${Date.now()}.png`;
    document.body.append(probe);
  });
  for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
}

describe('XSS: peer-controlled text is only ever text', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it(`renders ${PAYLOADS.length} payloads as messages, names and notes without running any of them`, async () => {
    window.__xss = [];
    const alice = await mountWidget({ 'display-name': 'Alice' });
    // Bob's display name and request note are payloads too.
    const bob = await mountWidget({ 'display-name': PAYLOADS[1]!.slice(0, 64) });
    const invite = await alice.el.createInvite();
    await bob.el.addFriend(invite, PAYLOADS[0]);
    await waitUntil(() => alice.el.friends.some((f) => f.state === 'incoming'), 'request arrives');
    await alice.el.updateComplete;
    await settled();
    expect(window.__xss).to.deep.equal([]);
    await alice.el.acceptFriend(bob.el.profileId);
    await waitUntil(() => bob.el.friends.some((f) => f.state === 'friend' && f.presence === 'online'), 'friends');
    for (const payload of PAYLOADS) await bob.el.sendMessage(alice.el.profileId, payload);
    await waitUntil(async () => (await alice.el.history(bob.el.profileId, { limit: 100 })).length === PAYLOADS.length, 'all payloads arrive', 30000);
    await alice.el.open(bob.el.profileId);
    await alice.el.updateComplete;
    await settled();
    expect(window.__xss).to.deep.equal([]);
    const elements = deepElements(alice.el.shadowRoot!);
    // Where peer text is shown (messages, roster entries), only our own few tags may appear.
    // Generated avatars (elements/avatar.ts) are our own SVG; their initials are a text node.
    const avatar = (e: Element): boolean => !!e.closest('svg.avatar');
    const shown = elements.filter((e) => e.closest('.messages, li') && !avatar(e));
    const tags = new Set(shown.map((e) => e.localName));
    expect([...tags].filter((t) => !['div', 'span', 'a', 'br', 'button', 'p', 'li'].includes(t))).to.deep.equal([]);
    // Our own drawings (the invite QR code, the paperclip icon, avatars) are the only SVG the widget makes.
    const ours = (e: Element): boolean =>
      (e.getRootNode() as ShadowRoot).host?.localName === 'friends-chat-qr-code' || (e.localName === 'svg' && !!e.closest('button.attach')) || avatar(e);
    for (const bad of ['script', 'img', 'svg', 'iframe', 'object', 'embed', 'video', 'audio', 'math', 'style', 'base', 'meta', 'link', 'frameset', 'table', 'marquee', 'details']) {
      expect(elements.some((e) => e.localName === bad && !ours(e)), `no <${bad}> anywhere`).to.equal(false);
    }
    for (const a of elements.filter((e) => e.localName === 'a') as HTMLAnchorElement[]) {
      expect(new URL(a.href).protocol).to.be.oneOf(['http:', 'https:']);
      expect(a.rel).to.equal('noopener noreferrer');
    }
    // Each payload is visible verbatim as text (the first page holds 50; load the older one).
    const thread = alice.el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
    (thread.querySelector('.messages > button') as HTMLButtonElement).click();
    await waitUntil(() => thread.querySelectorAll('.message').length === PAYLOADS.length, 'older messages load');
    await settled();
    expect(window.__xss).to.deep.equal([]);
    const texts = [...thread.querySelectorAll('.message .text')].map((n) => n.textContent);
    expect(texts).to.deep.equal(PAYLOADS);
    // Bidi controls never reach a displayed name.
    const names = [...alice.el.shadowRoot!.querySelector('friends-chat-roster')!.shadowRoot!.querySelectorAll('.name')].map((n) => n.textContent ?? '');
    expect(names.some((n) => /[\u00AD\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/.test(n))).to.equal(false);
    // Every link's visible text is where it leads.
    for (const a of thread.querySelectorAll('a')) expect(a.textContent).to.equal((a as HTMLAnchorElement).href);
  });

  it(`shows ${PAYLOADS.length} payloads as file names only as safe text, never running one`, async () => {
    window.__xss = [];
    const alice = await mountWidget();
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await alice.el.open(bob.el.profileId);
    for (const [i, payload] of PAYLOADS.entries()) await bob.el.sendFile(alice.el.profileId, new Blob([`file ${i}`]), payload);
    await waitUntil(async () => (await alice.el.history(bob.el.profileId, { limit: 100 })).filter((m) => m.file?.state === 'done').length === PAYLOADS.length, 'all files arrive', 60000);
    await settled();
    expect(window.__xss).to.deep.equal([]);
    const history = await alice.el.history(bob.el.profileId, { limit: 100 });
    expect(history.map((m) => m.file!.name)).to.deep.equal(PAYLOADS.map((p) => safeFileName(p)));
    for (const name of history.map((m) => m.file!.name)) {
      expect(name).to.not.match(/[/\\\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
      expect(name.length).to.be.at.most(120);
    }
    const thread = alice.el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
    const files = [...thread.querySelectorAll('friends-chat-file')];
    expect(files.length).to.be.greaterThan(0);
    for (const file of files) {
      const root = file.shadowRoot!;
      const elements = deepElements(root);
      expect(elements.filter((e) => ['script', 'img', 'svg', 'iframe', 'object', 'embed', 'video', 'math', 'style'].includes(e.localName))).to.deep.equal([]);
      const shown = root.querySelector('.name')!.textContent;
      await waitUntil(() => !!root.querySelector('a.download'), 'the download link');
      expect((root.querySelector('a.download') as HTMLAnchorElement).download).to.equal(shown);
    }
  });
});
