// Rollup plugin: u8-mqtt's client without the methods friends-chat never calls. The MQTT
// connection (src/transport/mqtt/mqtt-connection.ts) uses connect, subscribe, pub, puback,
// _send and with_websock, gives every connect a client ID, drops a connection by closing its
// socket, and reconnects itself; it passes its own no-op log_conn and on_error, so the
// default console logging never runs either. `pub` keeps only its last step: friends-chat
// always gives a payload and no publish options, and for those the rest does nothing.
import ts from 'typescript';
import { applyCuts, deadMethodCuts } from './dead-methods.mjs';

const U8_MQTT = /[\\/]u8-mqtt[\\/]esm[\\/]web[\\/]basic-v4\.js$/;
const QUIET = '{}';

const DEAD_METHODS = [
  {
    marker: 'static _aliases()',
    methods: [
      'disconnect', 'auth', 'ping', 'unsubscribe', 'post', 'send', 'store', 'obj_post', 'obj_send', 'obj_store',
      { name: 'pub', body: "{ return this._send('publish', pkt, pkt.qos ? pkt : null) }" },
    ],
  },
  {
    marker: 'init_client_id(parts=',
    methods: ['init_client_id', 'with_autoreconnect', 'delay', 'with_async_iter', 'with_stream', { name: 'on_error', body: QUIET }, { name: 'log_conn', body: QUIET }],
  },
];

export function dropDeadU8Mqtt(code) {
  const source = ts.createSourceFile('basic-v4.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  return applyCuts(code, deadMethodCuts(source, DEAD_METHODS, 'u8-mqtt'));
}

export function u8MqttSlim() {
  return {
    name: 'friends-chat-u8-mqtt-slim',
    transform: (code, id) => (U8_MQTT.test(id) ? { code: dropDeadU8Mqtt(code), map: null } : null),
  };
}
