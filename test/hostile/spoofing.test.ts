import { expect } from '@esm-bundle/chai';
import '../../src/elements/file-message.js';
import type { ChatMessage } from '../../src/core/message.js';
import { translation } from '../../src/i18n/index.js';
import { waitUntil } from '../helpers/env.js';
import { makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';

/** What must never reach a shown name, note, preview or reason. */
const UNSAFE = /[\u00AD\u061C\u115F\u1160\u200B-\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\u3164\uFFA0\u{E0000}-\u{E007F}]/u;

/**
 * The horizontal order in which the characters of `el`'s text are drawn: for each pair of
 * neighbouring visible characters on the same line, +1 if the second is drawn to the right
 * of the first, -1 if to the left. Text that reads in logical order gives only +1.
 */
function drawnOrder(el: Element): number[] {
  const boxes: DOMRect[] = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.textContent!.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width > 0 && node.textContent![i]!.trim()) boxes.push(box);
    }
  }
  const out: number[] = [];
  for (let i = 1; i < boxes.length; i++) {
    if (Math.abs(boxes[i]!.top - boxes[i - 1]!.top) < 2) out.push(Math.sign(boxes[i]!.left - boxes[i - 1]!.left));
  }
  return out;
}

/** The text directly inside `el`, without its nested elements (the shown name without its .meta). */
function ownText(el: Element): string {
  return [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
}

function threadRoot(m: Mounted): ShadowRoot {
  return m.el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
}

describe('Spoofing: shown text cannot lie about links, names or order', function () {
  this.timeout(120000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat, friends-chat-file')) el.remove();
  });

  it('shows every link as the address it opens (punycode, ASCII, drawn left to right); user@host is no link', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    await makeFriends(alice, bob);
    const texts = [
      // RLO makes the link's own text read backwards: "https://bank.example#/…" on screen.
      'pay here \u202Ehttps://evil.example/#elpmaxe.knab//:sptth',
      // A Cyrillic "а" in the host.
      'https://b\u0430nk.example/login',
      // Bidi controls inside the URL, and an isolate around it.
      '\u2067https://evil.example/\u202Efdp.ssecca\u2069 done',
      'https://bank.example@evil.example/login',
    ];
    for (const text of texts) await bob.el.sendMessage(alice.el.profileId, text);
    await waitUntil(async () => (await alice.el.history(bob.el.profileId, { limit: 10 })).length === texts.length, 'all arrive');
    await alice.el.open(bob.el.profileId);
    const thread = threadRoot(alice);
    await waitUntil(() => thread.querySelectorAll('.message').length === texts.length, 'all shown');
    const links = [...thread.querySelectorAll('.message a')] as HTMLAnchorElement[];
    for (const a of links) {
      expect(drawnOrder(a).every((d) => d > 0), `"${a.textContent}" is drawn left to right`).to.equal(true);
      expect(a.textContent, 'the link text is its destination').to.equal(a.href);
      expect(a.textContent).to.match(/^[\x21-\x7e]+$/);
    }
    expect(links.map((a) => a.href)).to.deep.equal([
      'https://evil.example/#elpmaxe.knab//:sptth',
      'https://xn--bnk-6cd.example/login',
      'https://evil.example/%E2%80%AEfdp.ssecca%E2%81%A9',
    ]);
    const messages = [...thread.querySelectorAll('.message')];
    expect(messages[3]!.querySelector('a'), 'a URL with a user name is not a link').to.equal(null);
    // The message bodies themselves stay what was sent.
    expect(messages.map((m) => m.querySelector('.text')!.textContent)).to.deep.equal([
      'pay here \u202Ehttps://evil.example/#elpmaxe.knab//:sptth',
      'https://xn--bnk-6cd.example/login',
      '\u2067https://evil.example/%E2%80%AEfdp.ssecca%E2%81%A9 done',
      'https://bank.example@evil.example/login',
    ]);
  });

  it('strips bidi, invisible and tag characters from names, notes and previews', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': '\u115FBo\u00ADb\u{E0041}\u{E007F}\u3164\u061C\u202E' });
    const carol = await mountWidget({ 'display-name': '\uFFA0\u1160Carol\u2066' });
    await makeFriends(alice, bob);
    await bob.el.sendMessage(alice.el.profileId, '\u202Eevil\u00AD preview\u2028line\u{E0065}');
    await carol.el.addFriend(alice.el.profileId, 'hi\u2029there \u202Egnp.exe\u{E0001}');
    await waitUntil(() => alice.el.friends.some((f) => f.id === carol.el.profileId), 'Carol’s request arrives');
    const roster = alice.el.shadowRoot!.querySelector('friends-chat-roster')!.shadowRoot!;
    await waitUntil(() => roster.querySelectorAll('li').length === 2 && !!roster.querySelector('button.friend .meta'), 'both shown, with a preview');
    const texts = [...roster.querySelectorAll('li .name')].map((n) => n.textContent!.replace(/\s+/g, ' ').trim());
    for (const text of texts) expect(UNSAFE.test(text), JSON.stringify(text)).to.equal(false);
    expect(texts.some((t) => t.startsWith('Carol ') && t.includes('“hi there gnp.exe”'))).to.equal(true);
    expect(texts.some((t) => t.startsWith('Bob ') && t.endsWith('evil preview line'))).to.equal(true);
    await alice.el.open(bob.el.profileId);
    const header = threadRoot(alice).querySelector('.header .name')!.textContent;
    expect(header).to.equal('Bob');
  });

  it('strips them from a failure reason a peer sent', async () => {
    const el = document.createElement('friends-chat-file') as HTMLElement & { message: ChatMessage; t: unknown; source: unknown };
    el.t = translation('en');
    el.source = () => Promise.resolve(undefined);
    el.message = {
      id: 'a'.repeat(64), conversationId: 'b'.repeat(64), friendId: 'c'.repeat(64), from: 'c'.repeat(64), incoming: true,
      kind: 'file', text: '', ts: 1, seq: 1, expired: false,
      file: { name: 'x.txt', size: 1, type: 'text/plain', sha256: 'd'.repeat(64), state: 'failed', bytes: 0, reason: '\u202Edetaerc\u2066 ok\u{E0041}\u00AD' },
    };
    document.body.append(el);
    await waitUntil(() => !!el.shadowRoot?.querySelector('.state'), 'the state is shown');
    const shown = el.shadowRoot!.querySelector('.state')!.textContent!;
    expect(UNSAFE.test(shown), JSON.stringify(shown)).to.equal(false);
    expect(shown).to.contain('detaerc ok');
  });

  it('adds a short ID to a name another contact or the user also has', async () => {
    const alice = await mountWidget({ 'display-name': 'Alice' });
    const bob = await mountWidget({ 'display-name': 'Bob' });
    const mallory = await mountWidget({ 'display-name': 'bob' });
    const eve = await mountWidget({ 'display-name': 'Alice' });
    const dave = await mountWidget({ 'display-name': 'Dave' });
    await makeFriends(alice, bob);
    await makeFriends(alice, dave);
    await mallory.el.addFriend(alice.el.profileId);
    await eve.el.addFriend(alice.el.profileId);
    await waitUntil(() => alice.el.friends.filter((f) => f.state === 'incoming').length === 2, 'both requests arrive');
    const roster = alice.el.shadowRoot!.querySelector('friends-chat-roster')!.shadowRoot!;
    await waitUntil(() => roster.querySelectorAll('li').length === 4, 'all four shown');
    const shown = [...roster.querySelectorAll('li .name')].map(ownText);
    const id = (m: Mounted) => m.el.profileId.slice(0, 6);
    expect(shown).to.have.members([`Bob · ${id(bob)}`, `bob · ${id(mallory)}`, `Alice · ${id(eve)}`, 'Dave']);
    await alice.el.open(bob.el.profileId);
    await waitUntil(() => !!alice.el.shadowRoot!.querySelector('friends-chat-thread'), 'thread open');
    await alice.el.updateComplete;
    expect(threadRoot(alice).querySelector('.header .name')!.textContent).to.equal(`Bob · ${id(bob)}`);
  });
});
