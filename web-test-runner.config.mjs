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

const commonjs = fromRollup(rollupCommonjs);
const brokers = { main: await startPeerServer(), second: await startPeerServer() };
const userDataDir = mkdtempSync(join(tmpdir(), 'friends-chat-wtr-'));

function envMiddleware(context, next) {
  if (context.path === '/__env') {
    context.body = {
      brokers: Object.fromEntries(
        Object.entries(brokers).map(([name, b]) => [name, { port: b.port, path: b.path, key: b.key }]),
      ),
    };
    return;
  }
  const peers = /^\/__broker\/(main|second)\/peers$/.exec(context.path);
  if (peers) {
    context.body = { ids: brokers[peers[1]].ids() };
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
  files: groups ? [groups] : ['test/**/*.test.ts'],
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
      },
    },
    commonjs({ include: ['**/node_modules/sdp/**', '**/node_modules/axe-core/**'] }),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        userDataDir,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
};

process.on('exit', () => rmSync(userDataDir, { recursive: true, force: true }));
