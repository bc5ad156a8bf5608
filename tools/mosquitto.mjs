// A real mosquitto 2.x on loopback for `npm run test:brokers`: a temporary config, a TCP
// listener on 127.0.0.1, persistence saved on every change, a large queue per client.
// mosquitto 2.0.11's WebSocket listener cannot be confined to loopback (with a bind address
// it does not start; `bind_interface lo` still listens on *), so the browser reaches the TCP
// listener through a loopback WebSocket relay; `ss -ltn` checks nothing listens beyond loopback.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { assertLoopbackOnly, freePort, probeMqtt, processControl, startWsRelay, waitForPort } from './broker-process.mjs';

export const MOSQUITTO = process.env.FC_MOSQUITTO ?? '/usr/sbin/mosquitto';

export async function startMosquitto() {
  if (!existsSync(MOSQUITTO)) throw new Error(`mosquitto is not installed at ${MOSQUITTO}`);
  const dir = mkdtempSync(join(tmpdir(), 'friends-chat-mosquitto-'));
  const tcp = await freePort();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      `user ${userInfo().username}`,
      'per_listener_settings false',
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_on_changes true',
      'autosave_interval 1',
      'max_queued_messages 100000',
      'max_inflight_messages 100',
      'max_packet_size 262144',
      'log_dest stderr',
      `listener ${tcp} 127.0.0.1`,
      '',
    ].join('\n'),
  );
  const proc = processControl(MOSQUITTO, ['-c', config], 'mosquitto');
  async function start() {
    proc.start();
    try {
      await waitForPort(tcp);
      for (let i = 0; (await probeMqtt(tcp)) !== 0; i++) if (i > 50) throw new Error('no CONNACK');
    } catch (error) {
      throw new Error(`${error.message}\n${proc.output()}`);
    }
  }
  await start();
  const relay = await startWsRelay(tcp);
  assertLoopbackOnly([tcp, relay.port]);
  return {
    kind: 'mosquitto',
    urls: [`mqtt://127.0.0.1:${relay.port}/mqtt`],
    tcpPort: tcp,
    get running() {
      return proc.running;
    },
    start,
    /**
     * A restart (SIGTERM: mosquitto writes its store on the way down). mosquitto saves in the
     * background and acknowledges before: a SIGKILL right after a burst lost queued messages
     * in one of two runs here, so `kill()` (a crash) promises less.
     */
    stop: () => proc.stop('SIGTERM'),
    kill: () => proc.stop('SIGKILL'),
    async close() {
      await relay.close();
      await proc.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
