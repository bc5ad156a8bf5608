/**
 * Stands in for `peerjs-js-binarypack` inside PeerJS (the build aliases it here).
 * friends-chat speaks only the `raw` serialization and refuses any other offer before
 * PeerJS acts on it, so PeerJS's binary serializer never runs; should it ever, it fails
 * loudly instead of decoding a peer's bytes.
 */
export function pack(): never {
  throw new Error('binary serialization is not used by friends-chat');
}

export function unpack(): never {
  throw new Error('binary serialization is not used by friends-chat');
}
