// Rollup/dev-server plugin: PeerJS without webrtc-adapter (and its sdp), without
// binarypack, and (in the bundle only: tests use full PeerJS to play a stranger that dials
// with other serializations) without the parts in tools/peerjs-dead.mjs and without its
// logging (tools/peerjs-quiet.mjs).
// See src/transport/peerjs/slim/ for why each stand-in is enough.
import { fileURLToPath } from 'node:url';
import { dropDeadPeerjs } from './peerjs-dead.mjs';
import { guardLateDataChannel } from './peerjs-late-channel.mjs';
import { dropPeerjsLogging } from './peerjs-quiet.mjs';

const PEERJS = /[\\/]peerjs[\\/]dist[\\/]bundler\.mjs$/;

const slim = {
  'webrtc-adapter': fileURLToPath(new URL('../src/transport/peerjs/slim/webrtc-adapter.ts', import.meta.url)),
  'peerjs-js-binarypack': fileURLToPath(new URL('../src/transport/peerjs/slim/binarypack.ts', import.meta.url)),
};

export function peerjsSlim() {
  return {
    name: 'friends-chat-peerjs-slim',
    resolveId(source) {
      return slim[source] ?? null;
    },
    transform(code, id) {
      return PEERJS.test(id) ? { code: dropPeerjsLogging(dropDeadPeerjs(guardLateDataChannel(code))), map: null } : null;
    },
  };
}

/** The same for web-test-runner: a browser path relative to the project root. */
export function peerjsSlimForTests() {
  return {
    name: 'friends-chat-peerjs-slim',
    resolveImport({ source }) {
      if (source === 'webrtc-adapter') return '/src/transport/peerjs/slim/webrtc-adapter.ts';
      if (source === 'peerjs-js-binarypack') return '/src/transport/peerjs/slim/binarypack.ts';
      return undefined;
    },
    transform(context) {
      return PEERJS.test(context.path) ? { body: guardLateDataChannel(context.body) } : undefined;
    },
  };
}
