import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { guardLateDataChannel } from '../../tools/peerjs-late-channel.mjs';

const peerjs = await readFile(new URL('../../node_modules/peerjs/dist/bundler.mjs', import.meta.url), 'utf8');

test('a data channel for a connection friends-chat already closed is closed, not dereferenced', () => {
  const patched = guardLateDataChannel(peerjs);
  assert.ok(!patched.includes('connection._initializeDataChannel(dataChannel);'));
  // The handler as patched: no connection → the channel is closed and nothing throws.
  const handler = new Function('connection', 'dataChannel', 'connection ? connection._initializeDataChannel(dataChannel) : dataChannel.close();');
  let closed = false;
  assert.doesNotThrow(() => handler(null, { close: () => (closed = true) }));
  assert.equal(closed, true);
  assert.ok(patched.includes('connection ? connection._initializeDataChannel(dataChannel) : dataChannel.close();'));
});

test('a PeerJS without that handler stops the build', () => {
  assert.throws(() => guardLateDataChannel(peerjs.replace('connection._initializeDataChannel(dataChannel);', '')), /PeerJS changed/);
});
