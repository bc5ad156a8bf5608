// Helpers for the real-broker tools (mosquitto.mjs, nats-cluster.mjs): free loopback ports,
// a child process that can be killed and started again, waiting for a port, checking that
// nothing listens beyond loopback.
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port, timeout = 30000) {
  const start = Date.now();
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - start > timeout) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Sends an MQTT 3.1.1 CONNECT over TCP and resolves with the CONNACK return code, or -1 when
 * none came within `timeout`. NATS accepts MQTT connects only seconds after its cluster formed.
 */
export function probeMqtt(port, timeout = 3000) {
  return new Promise((resolve) => {
    const id = Buffer.from(`probe${Math.random().toString(16).slice(2, 10)}`);
    const body = Buffer.concat([Buffer.from([0, 4]), Buffer.from('MQTT'), Buffer.from([4, 2, 0, 10, 0, id.length]), id]);
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(Buffer.concat([Buffer.from([0x10, body.length]), body])));
    const done = (code) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(code);
    };
    const timer = setTimeout(() => done(-1), timeout);
    socket.on('data', (data) => done(data[0] === 0x20 ? data[3] : -1));
    socket.on('error', () => done(-1));
  });
}

/** Throws when one of `ports` is listened on at an address other than loopback (checked with `ss -ltn`). */
export function assertLoopbackOnly(ports) {
  const lines = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' }).split('\n');
  for (const line of lines) {
    const local = line.trim().split(/\s+/)[3];
    if (!local) continue;
    const at = local.lastIndexOf(':');
    const port = Number(local.slice(at + 1));
    const address = local.slice(0, at);
    if (ports.includes(port) && !/^(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\])(%lo)?$/.test(address)) {
      throw new Error(`a test broker listens beyond loopback: ${local}`);
    }
  }
}

/** A child process started from `command`/`args`, restartable; output kept for error messages. */
export function processControl(command, args, name) {
  let child = null;
  let output = '';
  // A test run that dies must not leave brokers behind.
  process.on('exit', () => child?.kill('SIGKILL'));
  return {
    get running() {
      return child !== null;
    },
    start() {
      if (child) return;
      const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const keep = (data) => (output = (output + data).slice(-4000));
      proc.stdout.on('data', keep);
      proc.stderr.on('data', keep);
      proc.on('exit', () => {
        if (child === proc) child = null;
      });
      child = proc;
    },
    /** SIGKILL by default: a crash, not a clean shutdown. */
    async stop(signal = 'SIGKILL') {
      const proc = child;
      if (!proc) return;
      child = null;
      await new Promise((resolve) => {
        proc.once('exit', resolve);
        proc.kill(signal);
      });
    },
    output: () => `${name}: ${output}`,
  };
}

/**
 * A WebSocket (subprotocol `mqtt`) to TCP relay on 127.0.0.1, for a broker whose own
 * WebSocket listener cannot be confined to loopback. Bytes pass through unchanged.
 */
export async function startWsRelay(targetPort, path = '/mqtt') {
  const { default: ws } = await import('ws');
  const http = await import('node:http');
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  const wss = new ws.Server({ server, path, handleProtocols: (protocols) => ([...protocols].includes('mqtt') ? 'mqtt' : false) });
  const open = new Set();
  wss.on('connection', (socket) => {
    const tcp = net.connect({ port: targetPort, host: '127.0.0.1' });
    open.add(tcp);
    socket.on('message', (data) => tcp.write(data));
    tcp.on('data', (data) => socket.readyState === 1 && socket.send(data));
    const end = () => {
      open.delete(tcp);
      tcp.destroy();
      socket.terminate();
    };
    tcp.on('close', end);
    tcp.on('error', end);
    socket.on('close', end);
    socket.on('error', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => {
      for (const tcp of open) tcp.destroy();
      wss.close();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
