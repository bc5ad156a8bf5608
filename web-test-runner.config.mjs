// web-test-runner in Debian's Chromium. Tests import TypeScript sources directly.
// One local PeerJS server (and a second one for "lying broker" tests) run for the whole
// test run; tests learn their ports from GET /__env and may stop/start them via POST.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fromRollup } from '@web/dev-server-rollup';
import rollupCommonjs from '@rollup/plugin-commonjs';
import { chromeLauncher } from '@web/test-runner-chrome';
import { startPeerServer } from './tools/peer-server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tools/chromium.mjs';
import { browserPlan } from './tools/firefox.mjs';
import { startStaticServer } from './tools/static-server.mjs';
import { startTestMqtt } from './tools/mqtt-broker.mjs';

const commonjs = fromRollup(rollupCommonjs);
const brokers = { main: await startPeerServer(), second: await startPeerServer() };
// The MQTT broker: embedded Aedes, or FC_MQTT_BROKER=mosquitto|nats (npm run test:brokers).
// POST /__mqtt/stop|start restarts it, /__mqtt/kill/N kills cluster node N.
const mqtt = await startTestMqtt(process.env.FC_MQTT_BROKER);
const userDataDir = mkdtempSync(join(tmpdir(), 'friends-chat-wtr-'));
// Another origin that serves the built bundle under an unrelated path (immutable-storage style).
const cdn = await startStaticServer({ mounts: { '/ipfs/bafy-test/': 'dist' }, headers: { 'access-control-allow-origin': '*' } });

/** A page with a strict CSP and Trusted Types that loads the bundle and a driver script. */
function cspPage(context) {
  const broker = `ws://127.0.0.1:${brokers.main.port} http://127.0.0.1:${brokers.main.port}`;
  context.set(
    'content-security-policy',
    `default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ${broker}; require-trusted-types-for 'script'`,
  );
  context.type = 'html';
  context.body = '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/dist/friends-chat.js"></script><script type="module" src="/test/pages/csp-driver.js"></script></head><body></body></html>';
}

function envMiddleware(context, next) {
  if (context.path === '/__csp-page') return cspPage(context);
  if (context.path === '/__env') {
    context.body = {
      cdn: `http://127.0.0.1:${cdn.port}/ipfs/bafy-test/friends-chat.js`,
      ...(process.env.FC_SEEDS ? { seeds: process.env.FC_SEEDS.split(',').map(Number) } : {}),
      brokers: Object.fromEntries(
        Object.entries(brokers).map(([name, b]) => [name, { port: b.port, path: b.path, key: b.key }]),
      ),
      mqtt: { kind: mqtt.kind, urls: mqtt.urls },
    };
    return;
  }
  const mqttControl = /^\/__mqtt\/(stop|start|kill\/\d)$/.exec(context.path);
  if (mqttControl && context.method === 'POST') {
    const [action, node] = mqttControl[1].split('/');
    return mqtt[action](Number(node)).then(() => {
      context.body = { running: mqtt.running };
    });
  }
  const peers = /^\/__broker\/(main|second)\/peers$/.exec(context.path);
  if (peers) {
    context.body = { ids: brokers[peers[1]].ids() };
    return;
  }
  const replay = /^\/__broker\/(main|second)\/replay-offers$/.exec(context.path);
  if (replay && context.method === 'POST') {
    context.body = { replayed: brokers[replay[1]].replayOffers() };
    return;
  }
  const control = /^\/__broker\/(main|second)\/(stop|start)$/.exec(context.path);
  if (control && context.method === 'POST') {
    const broker = brokers[control[1]];
    return (control[2] === 'stop' ? broker.stop() : broker.start()).then(() => {
      context.body = { running: broker.running };
    });
  }
  return next();
}

const groups = process.env.FC_TEST_GROUP;

export default {
  nodeResolve: { exportConditions: ['browser', 'production'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 20 * 60 * 1000,
  browserStartTimeout: 60000,
  testFramework: { config: { timeout: 30000 } },
  middleware: [envMiddleware],
  plugins: [
    {
      name: 'friends-chat-brokers',
      async serverStop() {
        await brokers.main.stop();
        await brokers.second.stop();
        await cdn.close();
        await mqtt.close();
      },
    },
    {
      // A WebAuthn authenticator with the PRF extension for passkey tests (Chromium only:
      // DevTools' virtual authenticator); Firefox answers no ID and those tests skip.
      name: 'friends-chat-webauthn',
      async executeCommand({ command, session }) {
        if (command !== 'virtual-authenticator') return undefined;
        try {
          const cdp = await session.browser.getPage(session.id).createCDPSession();
          await cdp.send('WebAuthn.enable');
          const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
            options: { protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true },
          });
          return { authenticatorId };
        } catch {
          return { authenticatorId: null }; // not Chromium over CDP (Firefox runs over WebDriver BiDi)
        }
      },
    },
    {
      // The peerjs library plays a vanilla PeerJS peer in some tests (friends-chat has its own
      // client). Its webrtc-adapter (and that one's CommonJS sdp) and binarypack are replaced
      // by the stand-ins in test/helpers/peerjs/, which load as plain ES modules.
      name: 'friends-chat-test-peerjs',
      resolveImport({ source }) {
        if (source === 'webrtc-adapter') return '/test/helpers/peerjs/webrtc-adapter.ts';
        if (source === 'peerjs-js-binarypack') return '/test/helpers/peerjs/binarypack.ts';
        return undefined;
      },
    },
    commonjs({ include: ['**/node_modules/axe-core/**', '**/node_modules/jsqr/**'] }),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  // Chromium runs every suite, Firefox the browser-facing ones (tools/firefox.mjs).
  ...browserPlan({
    testGroup: groups,
    // test/hostile-long runs with `npm run test:hostile`.
    files: groups ? [groups] : ['test/**/*.test.ts', '!test/hostile-long/**'],
    chromium: chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        userDataDir,
        args: CHROMIUM_ARGS,
      },
    }),
  }),
};

process.on('exit', () => rmSync(userDataDir, { recursive: true, force: true }));
