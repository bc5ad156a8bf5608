/**
 * Stands in for `peerjs-js-binarypack` inside the peerjs library that tests load
 * (web-test-runner.config.mjs). Tests dial with binary serialization only to see
 * friends-chat refuse it, so nothing is ever packed; should it be, it fails loudly.
 */
export function pack(): never {
  throw new Error('binary serialization is not used by friends-chat');
}

export function unpack(): never {
  throw new Error('binary serialization is not used by friends-chat');
}
