import { expect } from '@esm-bundle/chai';
import { TYPING_SHOWN, TypingModel } from '../../../src/elements/models/typing-model.js';

describe('TypingModel', () => {
  it('shows a friend typing until the indicator fades or is withdrawn, per friend', () => {
    let now = 1000;
    const host = { updates: 0, requestUpdate() {
      this.updates++;
    } };
    const typing = new TypingModel(host, () => now);
    typing.set('bob', true);
    expect(typing.isTyping('bob')).to.equal(true);
    expect(typing.isTyping('carol')).to.equal(false);
    now += TYPING_SHOWN - 1;
    expect(typing.isTyping('bob')).to.equal(true);
    now += 2;
    expect(typing.isTyping('bob')).to.equal(false);
    typing.set('bob', true);
    typing.set('bob', false);
    expect(typing.isTyping('bob')).to.equal(false);
    expect(host.updates).to.equal(3);
    typing.hostDisconnected();
  });
});
