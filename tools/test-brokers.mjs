// `npm run test:brokers`: the MQTT signaling and mailbox tests against real brokers, one
// web-test-runner run per broker (mosquitto, a three-node NATS cluster). A broker whose
// binary is missing is skipped with a loud message; any failing run fails the command.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MOSQUITTO } from './mosquitto.mjs';
import { NATS_SERVER } from './nats-cluster.mjs';

const FILES = 'test/{transport/mqtt-*.test.ts,mailbox/**/*.test.ts}';
let failed = false;
for (const [kind, binary] of [['mosquitto', MOSQUITTO], ['nats', NATS_SERVER]]) {
  if (!existsSync(binary)) {
    console.error(`\n!!! SKIPPED: ${kind} is not installed (${binary}); install it (apt-get install ${kind === 'nats' ? 'nats-server' : 'mosquitto'}) to run these tests.\n`);
    continue;
  }
  console.log(`\n=== MQTT tests against ${kind} ===`);
  const run = spawnSync('npx', ['web-test-runner'], { stdio: 'inherit', env: { ...process.env, FC_MQTT_BROKER: kind, FC_TEST_GROUP: FILES } });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
