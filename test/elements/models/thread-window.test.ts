import { expect } from '@esm-bundle/chai';
import { PAGE, ThreadWindow, WINDOW } from '../../../src/elements/models/thread-window.js';
import type { ChatMessage, FileProgress, MessageStatus } from '../../../src/model/index.js';

function message(friendId: string, n: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `${friendId}-${String(n).padStart(6, '0')}`,
    conversationId: `c-${friendId}`,
    friendId,
    from: 'me',
    incoming: false,
    kind: 'text',
    text: `message ${n}`,
    ts: n,
    seq: n,
    expired: false,
    status: 'sending',
    ...extra,
  };
}

/** A stored history of `count` messages with one friend, answered the way the engine does. */
function history(friendId: string, count: number) {
  const all = Array.from({ length: count }, (_, i) => message(friendId, i));
  const calls: { before?: string; limit?: number }[] = [];
  const source = async (id: string, options: { before?: string; limit?: number }): Promise<ChatMessage[]> => {
    calls.push(options);
    if (id !== friendId) return [];
    const end = options.before ? all.findIndex((m) => m.id === options.before) : all.length;
    return all.slice(Math.max(0, end - (options.limit ?? 50)), end);
  };
  return { all, calls, source };
}

/** A window whose deferred flushes run when the test says so. */
function windowOver(source: ReturnType<typeof history>['source']) {
  const host = { updates: 0, requestUpdate() {
    this.updates++;
  } };
  const queued: (() => void)[] = [];
  const view = new ThreadWindow(host, source, (run) => queued.push(run));
  return { view, host, runQueued: () => queued.splice(0).forEach((run) => run()) };
}

describe('ThreadWindow', () => {
  it('opens at the newest page and knows there is more', async () => {
    const { source } = history('bob', 120);
    const { view, host } = windowOver(source);
    expect(await view.open('bob')).to.equal(true);
    expect(view.messages.length).to.equal(PAGE);
    expect(view.messages.at(-1)!.text).to.equal('message 119');
    expect(view.hasOlder).to.equal(true);
    expect(view.hasNewer).to.equal(false);
    expect(host.updates).to.be.greaterThan(0);
  });

  it('says there is nothing older when the history fits one page', async () => {
    const { source } = history('bob', 3);
    const { view } = windowOver(source);
    await view.open('bob');
    expect(view.messages.map((m) => m.seq)).to.deep.equal([0, 1, 2]);
    expect(view.hasOlder).to.equal(false);
  });

  it('drops a page that arrives after another conversation was opened', async () => {
    const { source } = history('bob', 10);
    const { view } = windowOver(source);
    const opening = view.open('bob');
    view.select('carol');
    expect(await opening).to.equal(false);
    expect(view.friendId).to.equal('carol');
    expect(view.messages).to.deep.equal([]);
  });

  it('scrolls back page by page and keeps at most WINDOW messages, the newer end falling off', async () => {
    const { source, all } = history('bob', 1000);
    const { view } = windowOver(source);
    await view.open('bob');
    while (view.messages.length < WINDOW) await view.loadOlder();
    expect(view.hasNewer).to.equal(false);
    await view.loadOlder();
    expect(view.messages.length).to.equal(WINDOW);
    expect(view.hasNewer).to.equal(true);
    expect(view.messages[0]!.id).to.equal(all[1000 - 7 * PAGE]!.id);
    expect(view.hasOlder).to.equal(true);
    // Reading back: a new message is not added at the (cut) newer end.
    view.append(message('bob', 5000));
    view.flush();
    expect(view.messages.some((m) => m.seq === 5000)).to.equal(false);
    // Jumping to the newest reloads the newest page.
    await view.open('bob');
    expect(view.hasNewer).to.equal(false);
    expect(view.messages.at(-1)!.seq).to.equal(999);
  });

  it('gathers arrivals and shows them together, once each, only for the open conversation', async () => {
    const { source } = history('bob', 2);
    const { view, host, runQueued } = windowOver(source);
    await view.open('bob');
    const before = host.updates;
    view.append(message('bob', 10));
    view.append(message('bob', 11));
    view.append(message('bob', 10));
    view.append(message('carol', 12));
    expect(view.messages.length).to.equal(2);
    runQueued();
    expect(view.messages.map((m) => m.seq)).to.deep.equal([0, 1, 10, 11]);
    expect(host.updates).to.equal(before + 1);
  });

  it('keeps the newest WINDOW messages when a burst overflows it', async () => {
    const { source } = history('bob', 0);
    const { view, runQueued } = windowOver(source);
    await view.open('bob');
    for (let i = 0; i < WINDOW + 20; i++) view.append(message('bob', i));
    runQueued();
    expect(view.messages.length).to.equal(WINDOW);
    expect(view.messages[0]!.seq).to.equal(20);
    expect(view.hasOlder).to.equal(true);
  });

  it('moves statuses forward only; failed always shows; incoming messages keep theirs', async () => {
    const { source } = history('bob', 0);
    const { view, runQueued } = windowOver(source);
    await view.open('bob');
    view.append(message('bob', 1));
    view.append(message('bob', 2));
    view.append(message('bob', 3, { incoming: true, status: undefined }));
    runQueued();
    const status = (seq: number): MessageStatus | undefined => view.messages.find((m) => m.seq === seq)!.status;
    view.status('bob', 'bob-000001', 'delivered');
    view.status('bob', 'bob-000001', 'sent');
    view.status('bob', 'bob-000002', 'read');
    view.status('bob', 'bob-000003', 'read');
    view.status('carol', 'bob-000002', 'failed');
    runQueued();
    expect(status(1)).to.equal('delivered');
    expect(status(2)).to.equal('read');
    expect(status(3)).to.equal(undefined);
    view.status('bob', 'bob-000002', 'failed');
    runQueued();
    expect(status(2)).to.equal('failed');
  });

  it('applies file progress to the file message it belongs to', async () => {
    const { source } = history('bob', 0);
    const { view, runQueued } = windowOver(source);
    await view.open('bob');
    const file = { name: 'a.bin', size: 100, type: '', sha256: '00', state: 'waiting' as const, bytes: 0 };
    view.append(message('bob', 1, { kind: 'file', file }));
    runQueued();
    const progress: FileProgress = { conversationId: 'c-bob', friendId: 'bob', messageId: 'bob-000001', direction: 'receive', state: 'transferring', bytes: 40, total: 100 };
    view.progress(progress);
    view.progress({ ...progress, state: 'failed', bytes: 60, reason: 'cancelled by sender' });
    view.progress({ ...progress, friendId: 'carol', bytes: 99 });
    runQueued();
    expect(view.messages[0]!.file).to.include({ state: 'failed', bytes: 60, reason: 'cancelled by sender', name: 'a.bin' });
  });

  it('forgets gathered changes when another conversation is selected', async () => {
    const { source } = history('bob', 0);
    const { view, runQueued } = windowOver(source);
    await view.open('bob');
    view.append(message('bob', 1));
    view.select('');
    runQueued();
    expect(view.friendId).to.equal('');
    expect(view.messages).to.deep.equal([]);
  });
});
