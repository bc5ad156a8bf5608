import { startMosquitto } from '../tools/mosquitto.mjs';
const m = await startMosquitto(); console.log(m.urls);
await m.stop(); await m.start(); console.log('restarted');
await m.close(); console.log('closed');
