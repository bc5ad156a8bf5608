// Rollup/dev-server plugin: PeerJS without webrtc-adapter (and its sdp) and without
// binarypack. See src/transport/peerjs/slim/ for why each stand-in is enough.
import { fileURLToPath } from 'node:url';

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
  };
}
