// An embedded MQTT broker (Aedes) on loopback for the tests, the demo and the benchmarks:
// MQTT 3.1.1 over WebSocket, sessions and queued QoS 1 messages kept in LevelDB in a
// temporary directory, so stop() + start() is a real broker restart that loses nothing.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Aedes } from 'aedes';
import { ClassicLevel } from 'classic-level';
import ws from 'ws';

const require = createRequire(import.meta.url);
// ws 7 and 8 both expose these on the default export.
const { Server: WebSocketServer, createWebSocketStream } = ws;
const LevelPersistence = require('aedes-persistence-level/asyncPersistence.js');

/**
 * Starts Aedes on 127.0.0.1 (`port: 0` picks a free port) with a WebSocket listener at
 * `path`. Returns `{ kind, port, path, urls, running, stop(), start(), close() }`: `stop()` drops every
 * client and closes the store, `start()` reopens it on the same port, `close()` also deletes
 * the store.
 */
export async function startMqttBroker({ port = 0, path = '/mqtt' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'friends-chat-aedes-'));
  let actualPort = port;
  let running = null;

  async function start() {
    if (running) return;
    const persistence = new LevelPersistence(new ClassicLevel(join(dir, 'db'), { valueEncoding: 'view' }));
    const broker = await Aedes.createBroker({ persistence });
    const httpServer = http.createServer((_req, res) => res.writeHead(426).end());
    const wss = new WebSocketServer({ server: httpServer, path, handleProtocols: (protocols) => ([...protocols].includes('mqtt') ? 'mqtt' : false) });
    const sockets = new Set();
    httpServer.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    wss.on('connection', (socket, req) => {
      const stream = createWebSocketStream(socket);
      stream.on('error', () => stream.destroy());
      broker.handle(stream, req);
    });
    await new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(actualPort, '127.0.0.1', resolve);
    });
    actualPort = httpServer.address().port;
    running = { broker, httpServer, wss, sockets, persistence };
  }

  async function stop() {
    if (!running) return;
    const { broker, httpServer, wss, sockets, persistence } = running;
    running = null;
    for (const socket of sockets) socket.destroy();
    wss.close();
    await new Promise((resolve) => httpServer.close(() => resolve()));
    await new Promise((resolve) => broker.close(() => resolve()));
    await persistence.destroy();
  }

  await start();
  return {
    get port() {
      return actualPort;
    },
    path,
    kind: 'aedes',
    get urls() {
      return [`mqtt://127.0.0.1:${actualPort}${path}`];
    },
    get running() {
      return running !== null;
    },
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The broker a test run uses: embedded Aedes by default, or a real mosquitto or a three-node
 * NATS cluster (`kind`), all with the same shape: `{ kind, urls, running, stop(), start(), kill(n), close() }`.
 */
export async function startTestMqtt(kind = 'aedes') {
  if (kind === 'mosquitto') return (await import('./mosquitto.mjs')).startMosquitto();
  if (kind === 'nats') return (await import('./nats-cluster.mjs')).startNatsCluster();
  if (kind !== 'aedes') throw new Error(`FC_MQTT_BROKER must be aedes, mosquitto or nats, not ${kind}`);
  const broker = await startMqttBroker();
  broker.kill = () => broker.stop();
  return broker;
}
