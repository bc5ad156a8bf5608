import { expect } from '@esm-bundle/chai';
import { signalingUrl, uniqueProfile, waitUntil } from '../helpers/env.js';

/** Loads dist/friends-chat.js alone in an empty iframe and reports what it fetched. */
async function loadBundleInEmptyPage(body: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><html><head><script type="module" src="${location.origin}/dist/friends-chat.js"></script></head><body>${body}</body></html>`;
  document.body.append(frame);
  await waitUntil(() => !!frame.contentWindow?.customElements?.get('friends-chat'), 'the bundle defines <friends-chat>');
  return frame;
}

describe('dist/friends-chat.js', () => {
  it('is one module that defines <friends-chat> and fetches nothing else', async () => {
    const signaling = await signalingUrl();
    const frame = await loadBundleInEmptyPage(
      `<friends-chat profile="${uniqueProfile('bundle')}" storage="memory" signaling="${signaling}" ice-servers="[]"></friends-chat>`,
    );
    const win = frame.contentWindow!;
    const el = win.document.querySelector('friends-chat') as HTMLElement & { profileId: string; signalingState: string };
    await waitUntil(() => /^[0-9a-f]{64}$/.test(el.profileId), 'the widget has an identity');
    await waitUntil(() => el.signalingState === 'online', 'the widget registered with the broker');
    const fetched = win.performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    expect(fetched).to.deep.equal(['/dist/friends-chat.js']);
    // The bundle has no static or dynamic imports of its own.
    const source = await (await fetch('/dist/friends-chat.js')).text();
    expect(source).to.not.match(/(^|[;\s])import\s*[\s{*"'(]/);
    expect(source).to.not.match(/\bimport\(/);
    // No globals beyond the custom element (Lit's own version markers aside).
    const added = Object.keys(win).filter((k) => !(k in window) && !/^(litElementVersions|reactiveElementVersions|litHtmlVersions|litPropertyMetadata)$/.test(k));
    expect(added).to.deep.equal([]);
    frame.remove();
  });
});
