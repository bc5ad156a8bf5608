import { expect } from '@esm-bundle/chai';
import '../../src/friends-chat.js';
import type { FriendsChatElement } from '../../src/elements/friends-chat.js';
import type { FriendsChatErrorEvent } from '../../src/events/error-event.js';
import { NO_ICE, signalingUrl, uniqueProfile, waitForEvent } from '../helpers/env.js';

/**
 * friends-chat runs only in a secure context whose WebCrypto has Ed25519 and X25519. These
 * tests take one of them away from the real page (test runners serve http://127.0.0.1, which
 * is a secure context, so the page is changed instead) and mount the real element.
 */
async function mount(attributes: Record<string, string>): Promise<{ el: FriendsChatElement; error: FriendsChatErrorEvent }> {
  const el = document.createElement('friends-chat');
  for (const [name, value] of Object.entries({ profile: uniqueProfile('old'), signaling: await signalingUrl(), 'ice-servers': NO_ICE, ...attributes })) el.setAttribute(name, value);
  const error = waitForEvent<FriendsChatErrorEvent>(el, 'friends-chat-error');
  document.body.append(el);
  return { el, error: await error };
}

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
}

describe('<friends-chat> in a browser that cannot run its crypto', () => {
  const subtle = crypto.subtle;
  const importKey = subtle.importKey;
  // On the global object the attribute may be an own property (Chromium) or inherited.
  const secureContext = Object.getOwnPropertyDescriptor(window, 'isSecureContext');
  const restoreSecureContext = (): void => {
    if (secureContext) Object.defineProperty(window, 'isSecureContext', secureContext);
    else delete (window as { isSecureContext?: boolean }).isSecureContext;
  };
  let pageErrors: unknown[] = [];
  const onError = (e: ErrorEvent | PromiseRejectionEvent): void => void pageErrors.push('reason' in e ? e.reason : e.error);

  beforeEach(() => {
    pageErrors = [];
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onError);
  });

  afterEach(() => {
    subtle.importKey = importKey;
    restoreSecureContext();
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onError);
    for (const el of document.querySelectorAll('friends-chat')) el.remove();
  });

  it('fails closed without WebCrypto Ed25519: an unsupported-browser error, a translated alert, no identity, calls refused', async () => {
    subtle.importKey = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['importKey']>) {
      const alg = args[2] as { name?: string } | string;
      if ((typeof alg === 'string' ? alg : alg.name) === 'Ed25519') return Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError'));
      return importKey.apply(this, args);
    } as SubtleCrypto['importKey'];
    const { el, error } = await mount({ lang: 'de' });
    expect(error.code).to.equal('unsupported-browser');
    await el.updateComplete;
    const alert = el.shadowRoot!.querySelector('[role=alert]')!.textContent!;
    expect(alert).to.contain('Dieser Browser kann den verschlüsselten Chat nicht ausführen');
    expect(el.profileId).to.equal('');
    expect(await refusal(el.createInvite())).to.equal('unsupported-browser');
    expect(pageErrors).to.deep.equal([]);
  });

  it('fails closed outside a secure context, and starts normally once the page is one', async () => {
    Object.defineProperty(window, 'isSecureContext', { value: false, configurable: true });
    const { el, error } = await mount({ storage: 'memory' });
    expect(error.code).to.equal('unsupported-browser');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('secure (https) page');
    expect(await refusal(el.createInvite())).to.equal('unsupported-browser');
    el.remove();
    restoreSecureContext();
    expect(window.isSecureContext).to.equal(true);
    const good = document.createElement('friends-chat');
    for (const [name, value] of Object.entries({ profile: uniqueProfile('new'), storage: 'memory', signaling: await signalingUrl(), 'ice-servers': NO_ICE })) good.setAttribute(name, value);
    const ready = waitForEvent(good, 'friends-chat-ready');
    document.body.append(good);
    await ready;
    expect(good.profileId).to.match(/^[0-9a-f]{64}$/);
    expect(pageErrors).to.deep.equal([]);
  });
});
