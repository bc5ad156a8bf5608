// `npm start`: a local PeerJS server, an embedded MQTT broker (Aedes) for the mailbox, and
// the demo pages, all on 127.0.0.1. Prints one URL. Ctrl-C stops everything.
import { startMqttBroker } from './mqtt-broker.mjs';
import { startPeerServer } from './peer-server.mjs';
import { startStaticServer } from './static-server.mjs';

const peerPort = Number(process.env.PEER_PORT ?? 9000);
const webPort = Number(process.env.PORT ?? 8080);

const broker = await startPeerServer({ port: peerPort }).catch(() => startPeerServer({ port: 0 }));
const signaling = `peerjs://127.0.0.1:${broker.port}${broker.path}?key=${broker.key}`;
const mqtt = await startMqttBroker({ port: 0 });
const mailbox = `mqtt://127.0.0.1:${mqtt.port}${mqtt.path}`;
const fill = (_path, html) => html.replaceAll('{{SIGNALING}}', signaling).replaceAll('{{MAILBOX}}', mailbox);
const web = await startStaticServer({
  port: webPort,
  mounts: { '/': 'demo', '/dist/': 'dist', '/node_modules/vue/dist/': 'node_modules/vue/dist' },
  transform: fill,
}).catch(() =>
  startStaticServer({
    port: 0,
    mounts: { '/': 'demo', '/dist/': 'dist', '/node_modules/vue/dist/': 'node_modules/vue/dist' },
    transform: fill,
  }),
);

console.log(`\nfriends-chat demo: http://127.0.0.1:${web.port}/`);
console.log(`  (Alice and Bob side by side; /embed.html shows it in a page; local PeerJS server on 127.0.0.1:${broker.port}, mailbox broker on 127.0.0.1:${mqtt.port}; Ctrl-C stops)\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([web.close(), broker.stop(), mqtt.close()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
