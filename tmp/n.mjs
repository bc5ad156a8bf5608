import { startNatsCluster } from '../tools/nats-cluster.mjs';
const t = Date.now();
const m = await startNatsCluster(); console.log(m.urls, Date.now() - t);
await m.kill(0); await m.start(); console.log('n0 back', Date.now() - t);
await m.close(); console.log('closed');
