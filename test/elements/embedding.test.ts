import { expect } from '@esm-bundle/chai';
import { signalingUrl, uniqueProfile, waitUntil } from '../helpers/env.js';

describe('embedding', function () {
  this.timeout(60000);

  it('chats under a strict CSP with Trusted Types and no policy violation', async () => {
    const frame = document.createElement('iframe');
    const result = new Promise<{ ok: boolean; result?: { got: string[]; styled: string; evalBlocked: boolean }; error?: string; violations: string[] }>((resolve) => {
      window.addEventListener('message', function on(e) {
        if (e.data?.csp) {
          window.removeEventListener('message', on);
          resolve(e.data);
        }
      });
    });
    frame.src = '/__csp-page';
    document.body.append(frame);
    const outcome = await result;
    frame.remove();
    expect(outcome.error).to.equal(undefined);
    expect(outcome.result!.evalBlocked, 'the page really runs under the CSP').to.equal(true);
    expect(outcome.violations).to.deep.equal([]);
    expect(outcome.result!.got).to.deep.equal(['under a strict CSP']);
    // Styles apply although style-src has no 'unsafe-inline' (constructable stylesheets).
    expect(outcome.result!.styled).to.equal('solid');
  });

  it('works when the bundle comes from another origin and path', async () => {
    const env = await (await fetch('/__env')).json();
    const frame = document.createElement('iframe');
    const signaling = await signalingUrl();
    frame.srcdoc = `<!doctype html><script type="module" src="${env.cdn}"></script><friends-chat profile="${uniqueProfile('cdn')}" storage="memory" signaling="${signaling}" ice-servers="[]"></friends-chat>`;
    document.body.append(frame);
    await waitUntil(() => !!frame.contentWindow?.customElements?.get('friends-chat'), 'defined from the other origin');
    const el = frame.contentWindow!.document.querySelector('friends-chat') as HTMLElement & { profileId: string; signalingState: string };
    await waitUntil(() => /^[0-9a-f]{64}$/.test(el.profileId) && el.signalingState === 'online', 'ready and registered');
    const fetched = frame.contentWindow!.performance.getEntriesByType('resource').map((e) => e.name);
    expect(fetched).to.deep.equal([env.cdn]);
    frame.remove();
  });
});
