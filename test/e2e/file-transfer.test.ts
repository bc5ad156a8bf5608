import { expect } from '@esm-bundle/chai';
import type { ChatMessage } from '../../src/core/message.js';
import type { FriendsChatErrorEvent } from '../../src/events/error-event.js';
import type { FriendsChatFileProgressEvent } from '../../src/events/file-progress-event.js';
import type { FriendsChatMessageEvent } from '../../src/events/message-event.js';
import { sha256 } from '../../src/crypto/index.js';
import { toHex } from '../../src/util/bytes.js';
import { uniqueProfile, waitUntil } from '../helpers/env.js';
import { noise } from '../helpers/noise.js';
import { eventsOf, makeFriends, mountWidget, type Mounted } from '../helpers/widgets.js';

function progressOf(m: Mounted, id: string): FriendsChatFileProgressEvent[] {
  return eventsOf<FriendsChatFileProgressEvent>(m, 'friends-chat-file-progress').filter((e) => e.messageId === id);
}

function stateOf(m: Mounted, id: string): string | undefined {
  return progressOf(m, id).at(-1)?.state;
}

/** The `<friends-chat-file>` of a message in a widget's open thread. */
function fileElement(m: Mounted, id: string): HTMLElement | null {
  const thread = m.el.shadowRoot!.querySelector('friends-chat-thread')!;
  return thread.shadowRoot!.querySelector(`[data-id="${id}"] friends-chat-file`);
}

describe('files between two widgets through a local PeerJS server', function () {
  this.timeout(240000);
  afterEach(() => {
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('sends 64 MiB intact with progress on both sides, and a text sent meanwhile arrives first', async () => {
    const alice = await mountWidget();
    // Above the default auto-download limit (16 MiB): Bob fetches files this large without a click.
    const bob = await mountWidget({ 'auto-download-limit': String(64 * 1024 * 1024) });
    await makeFriends(alice, bob);
    const size = 64 * 1024 * 1024;
    const data = noise(size, 64);
    const started = performance.now();
    const sent = await alice.el.sendFile(bob.el.profileId, new File([data], 'big.bin', { type: 'application/octet-stream' }));
    await waitUntil(() => (progressOf(bob, sent.id).at(-1)?.bytes ?? 0) > size / 10, 'a tenth has arrived', 120000);
    const text = await alice.el.sendMessage(bob.el.profileId, 'still here during the transfer');
    await waitUntil(() => eventsOf<FriendsChatMessageEvent>(bob, 'friends-chat-message').some((e) => e.message.id === text.id), 'the text arrives', 60000);
    const whenTextArrived = stateOf(bob, sent.id);
    await waitUntil(() => stateOf(bob, sent.id) === 'done', 'Bob has the whole file', 180000);
    console.log(`64 MiB between two widgets in one page: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await waitUntil(() => stateOf(alice, sent.id) === 'done', 'Alice hears it arrived');
    expect(whenTextArrived).to.equal('transferring');

    const bobSteps = progressOf(bob, sent.id).filter((e) => e.state === 'transferring');
    const aliceSteps = progressOf(alice, sent.id).filter((e) => e.state === 'transferring');
    expect(bobSteps.length).to.be.greaterThan(100);
    expect(aliceSteps.length).to.be.greaterThan(100);
    for (const steps of [bobSteps, aliceSteps]) {
      const back = steps.findIndex((e, i) => i > 0 && e.bytes < steps[i - 1]!.bytes);
      expect(back, `${steps[0]!.direction} ${back}: ${steps.slice(back - 3, back + 3).map((e) => e.bytes).join(',')}`).to.equal(-1);
      expect(steps.every((e) => e.total === size && e.bytes <= size)).to.equal(true);
    }
    expect(progressOf(bob, sent.id)[0]!.direction).to.equal('receive');
    expect(progressOf(alice, sent.id)[0]!.direction).to.equal('send');
    const file = await bob.el.getFile(alice.el.profileId, sent.id);
    expect(file.name).to.equal('big.bin');
    expect(file.size).to.equal(size);
    expect(toHex(sha256(new Uint8Array(await file.arrayBuffer())))).to.equal(toHex(sha256(data)));
  });

  it('resumes after the receiver closes mid-transfer, keeping what it had', async () => {
    const alice = await mountWidget();
    const bobProfile = uniqueProfile('bob');
    const bigFiles = { 'auto-download-limit': String(64 * 1024 * 1024) };
    let bob = await mountWidget({ profile: bobProfile, ...bigFiles });
    await makeFriends(alice, bob);
    const size = 24 * 1024 * 1024;
    const data = noise(size, 24);
    const sent = await alice.el.sendFile(bob.el.profileId, new Blob([data]), 'resume.bin');
    await waitUntil(() => (progressOf(bob, sent.id).at(-1)?.bytes ?? 0) >= size / 2, 'half has arrived', 120000);
    const had = progressOf(bob, sent.id).at(-1)!.bytes;
    bob.el.remove();
    bob = await mountWidget({ profile: bobProfile, ...bigFiles });
    await waitUntil(() => stateOf(bob, sent.id) === 'done', 'the transfer finishes after the reload', 120000);
    // The first progress after the reload starts from what was kept, not from zero.
    const first = progressOf(bob, sent.id)[0]!;
    expect(first.bytes).to.be.at.least(had);
    const file = await bob.el.getFile(alice.el.profileId, sent.id);
    expect(toHex(sha256(new Uint8Array(await file.arrayBuffer())))).to.equal(toHex(sha256(data)));
  });

  it('shows real images inline and offers SVG, HTML and disguised files only as downloads', async () => {
    const alice = await mountWidget();
    const bob = await mountWidget();
    await makeFriends(alice, bob);
    await bob.el.open(alice.el.profileId);
    const png = await (await fetch(pngDataUrl())).blob();
    const files = [
      new File([png], 'dot.png', { type: 'image/png' }),
      new File(['<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=1</script></svg>'], 'logo.svg', { type: 'image/svg+xml' }),
      new File(['<!doctype html><script>window.__pwned=1</script>'], 'page.html', { type: 'text/html' }),
      new File(['<!doctype html><img src=x onerror="window.__pwned=1">'], 'photo.png', { type: 'image/png' }),
    ];
    const sent: ChatMessage[] = [];
    for (const file of files) sent.push(await alice.el.sendFile(bob.el.profileId, file));
    for (const message of sent) await waitUntil(() => stateOf(bob, message.id) === 'done', `${message.file!.name} arrives`);
    await waitUntil(() => sent.every((m) => fileElement(bob, m.id)?.shadowRoot?.querySelector('a.download')), 'all are shown');
    const [image, svg, html, disguised] = sent.map((m) => fileElement(bob, m.id)!.shadowRoot!);
    await waitUntil(() => !!image!.querySelector('img'), 'the PNG shows inline');
    for (const root of [svg!, html!, disguised!]) {
      expect(root.querySelector('img, video, iframe, object, embed')).to.equal(null);
      const link = root.querySelector('a.download') as HTMLAnchorElement;
      expect(link.href.startsWith('blob:')).to.equal(true);
      expect((await (await fetch(link.href)).blob()).type).to.equal('application/octet-stream');
    }
    expect((disguised!.querySelector('a.download') as HTMLAnchorElement).download).to.equal('photo.png');
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    expect((await bob.el.getFile(alice.el.profileId, sent[1]!.id)).type).to.equal('application/octet-stream');
    expect((await bob.el.getFile(alice.el.profileId, sent[0]!.id)).type).to.equal('image/png');
    // The thumbnail opens large, in a modal dialog.
    (image!.querySelector('button.thumb') as HTMLButtonElement).click();
    expect((image!.querySelector('dialog') as HTMLDialogElement).open).to.equal(true);
    // Object URLs are revoked when the file is no longer shown.
    const url = (image!.querySelector('img') as HTMLImageElement).src;
    bob.el.remove();
    let revoked = false;
    await fetch(url).catch(() => (revoked = true));
    expect(revoked).to.equal(true);
  });

  it('sends files picked, dropped or pasted in the composer, and cancels from the thread', async () => {
    const alice = await mountWidget();
    const bob = await mountWidget({ 'max-file-size': String(8 * 1024 * 1024) });
    await makeFriends(alice, bob);
    await alice.el.open(bob.el.profileId);
    const thread = alice.el.shadowRoot!.querySelector('friends-chat-thread')!.shadowRoot!;
    const transfer = (file: File): DataTransfer => {
      const dt = new DataTransfer();
      dt.items.add(file);
      return dt;
    };
    const input = thread.querySelector('input[type=file]') as HTMLInputElement;
    input.files = transfer(new File(['picked'], 'picked.txt')).files;
    input.dispatchEvent(new Event('change'));
    thread.querySelector('form')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(new File(['dropped'], 'dropped.txt')), bubbles: true, cancelable: true }));
    // Firefox's ClipboardEvent constructor keeps no files of `clipboardData` (a real paste has them).
    const paste = new ClipboardEvent('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: transfer(new File(['pasted'], 'pasted.txt')) });
    thread.querySelector('textarea')!.dispatchEvent(paste);
    await waitUntil(async () => (await bob.el.history(alice.el.profileId)).length === 3, 'Bob gets three files');
    const names = (await bob.el.history(alice.el.profileId)).map((m) => m.file?.name);
    expect(names).to.deep.equal(['picked.txt', 'dropped.txt', 'pasted.txt']);

    // Bob's limit is 8 MiB: a bigger file is refused on his side and Alice is told.
    const big = await alice.el.sendFile(bob.el.profileId, new Blob([noise(9 * 1024 * 1024, 3)]), 'too-big.bin');
    await waitUntil(() => stateOf(alice, big.id) === 'cancelled', 'Alice is told it is too large');
    expect(progressOf(alice, big.id).at(-1)!.reason).to.equal('too large');

    // Alice's own limit: the UI shows the error and nothing is sent.
    // Of two files picked together, the one over the limit is refused and the other still goes.
    alice.el.maxFileSize = 1000;
    const two = transfer(new File([new Uint8Array(2000)], 'over.bin'));
    two.items.add(new File(['small'], 'small.txt'));
    input.files = two.files;
    input.dispatchEvent(new Event('change'));
    await waitUntil(() => eventsOf<FriendsChatErrorEvent>(alice, 'friends-chat-error').some((e) => e.code === 'file-too-large'), 'Alice sees file-too-large');
    expect(alice.el.shadowRoot!.querySelector('.error')!.textContent).to.match(/at most/);
    await waitUntil(async () => (await bob.el.history(alice.el.profileId)).some((m) => m.file?.name === 'small.txt'), 'the small one arrives');
    expect((await bob.el.history(alice.el.profileId)).some((m) => m.file?.name === 'over.bin')).to.equal(false);
    alice.el.maxFileSize = 1024 ** 3;

    // Cancel from Bob's side while the transfer runs: both sides end up cancelled.
    await bob.el.open(alice.el.profileId);
    const slow = await alice.el.sendFile(bob.el.profileId, new Blob([noise(8 * 1024 * 1024 - 1, 5)]), 'slow.bin');
    // Bob presses Cancel as soon as the file shows up in his thread.
    await waitUntil(() => {
      const button = fileElement(bob, slow.id)?.shadowRoot?.querySelector('button.cancel') as HTMLButtonElement | null;
      button?.click();
      return !!button;
    }, 'Bob presses Cancel');
    await waitUntil(() => stateOf(bob, slow.id) === 'cancelled' && stateOf(alice, slow.id) === 'cancelled', 'both sides cancelled');
    expect(progressOf(alice, slow.id).at(-1)!.reason).to.equal('cancelled by your friend');
    await waitUntil(() => /cancelled/.test(fileElement(bob, slow.id)!.shadowRoot!.textContent ?? ''), 'the thread says so');
  });

  it('reports a bad max-file-size and uses the default', async () => {
    const m = await mountWidget({ 'max-file-size': 'lots' });
    expect(m.errors.some((e) => e.code === 'bad-attribute' && /max-file-size/.test(e.message))).to.equal(true);
  });
});

/** A 1×1 PNG drawn on a canvas (real PNG bytes, made here). */
function pngDataUrl(): string {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 4;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#c00';
  context.fillRect(0, 0, 4, 4);
  return canvas.toDataURL('image/png');
}
