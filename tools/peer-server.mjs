// A local PeerJS signaling server on loopback, for the demo, the tests and the benchmarks.
// It can be stopped and started again on the same port (tests of broker restarts).
import http from 'node:http';
import express from 'express';
import { ExpressPeerServer } from 'peer';

/**
 * Starts a PeerJS server on 127.0.0.1. `port: 0` picks a free port.
 * Returns `{ port, path, key, stop(), start() }`; `stop()` drops every client socket.
 */
export async function startPeerServer({ port = 0, path = '/peerjs', key = 'peerjs' } = {}) {
  let server = null;
  let sockets = new Set();
  let actualPort = port;
  let ids = new Set();
  /** Lying-broker controls for the hostile tests: connected clients and every offer relayed. */
  let clients = new Map();
  let offers = [];

  async function start() {
    if (server) return;
    const app = express();
    const httpServer = http.createServer(app);
    const peer = ExpressPeerServer(httpServer, { path: '/', key, alive_timeout: 10000, expire_timeout: 5000 });
    app.use(path, peer);
    peer.on('connection', (client) => {
      ids.add(client.getId());
      clients.set(client.getId(), client);
    });
    peer.on('disconnect', (client) => {
      ids.delete(client.getId());
      clients.delete(client.getId());
    });
    peer.on('message', (_client, message) => {
      if (message?.type === 'OFFER' && offers.length < 1000) offers.push(JSON.stringify(message));
    });
    httpServer.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(actualPort, '127.0.0.1', resolve);
    });
    actualPort = httpServer.address().port;
    server = { httpServer, peer };
  }

  async function stop() {
    if (!server) return;
    const { httpServer } = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets = new Set();
    ids = new Set();
    clients = new Map();
    await new Promise((resolve) => httpServer.close(() => resolve()));
  }

  await start();
  return {
    get port() {
      return actualPort;
    },
    path,
    key,
    get running() {
      return server !== null;
    },
    /** Rendezvous IDs with a live registration. */
    ids: () => [...ids],
    /** Lies: delivers every offer relayed so far to its recipient once more. Returns how many. */
    replayOffers() {
      let sent = 0;
      for (const raw of offers) {
        const socket = clients.get(JSON.parse(raw).dst)?.getSocket();
        if (socket) {
          socket.send(raw);
          sent++;
        }
      }
      return sent;
    },
    start,
    stop,
  };
}
