// PeerJS's log calls leave the bundle; a log call that does more than log stops the build.
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropPeerjsLogging } from '../../tools/peerjs-quiet.mjs';

const peerjs = readFileSync(new URL('../../node_modules/peerjs/dist/bundler.mjs', import.meta.url), 'utf8');
const logger = /(\$\w+\$export\$\w+) = new \$\w+\$var\$Logger\(\)/.exec(peerjs)[1];

test('no PeerJS log call is left, and the logger itself stays', () => {
  const out = dropPeerjsLogging(peerjs);
  assert.ok(peerjs.includes(`${logger}).log(`));
  assert.ok(!new RegExp(`${logger.replace(/\$/g, '\\$')}\\)\\.(log|warn|error)\\(`).test(out));
  assert.ok(out.includes('Server message received:') === false);
  assert.ok(out.includes(`${logger}).logLevel = this._options.debug || 0`));
});

test('a log call whose argument does something fails', () => {
  const changed = peerjs.replace('.log("Socket open")', '.log(this._sendQueuedMessages())');
  assert.notEqual(changed, peerjs);
  assert.throws(() => dropPeerjsLogging(changed), /does more than log/);
});
