// The bundle's library trims keep what friends-chat uses working and stop the build when the
// library no longer looks as expected.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropLeanQrCanvas } from '../../tools/lean-qr-slim.mjs';
import { dropDeadU8Mqtt } from '../../tools/u8-mqtt-slim.mjs';

const installed = (path) => readFileSync(new URL(`../../node_modules/${path}`, import.meta.url), 'utf8');

test('lean-qr without its canvas drawing gives the same QR codes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fc-qr-'));
  try {
    const file = join(dir, 'nano.mjs');
    writeFileSync(file, dropLeanQrCanvas(installed('lean-qr/nano.mjs')));
    const trimmed = await import(pathToFileURL(file).href);
    const original = await import('lean-qr/nano');
    for (const text of ['fc1.short', `https://chat.example/#fc1.${'x'.repeat(300)}`]) {
      const a = original.generate(text, { minCorrectionLevel: original.correction.M });
      const b = trimmed.generate(text, { minCorrectionLevel: trimmed.correction.M });
      assert.equal(b.size, a.size);
      for (let y = 0; y < a.size; y++) for (let x = 0; x < a.size; x++) assert.equal(b.get(x, y), a.get(x, y));
      assert.equal(b.toCanvas, undefined);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a trim whose method is gone fails instead of silently trimming less', () => {
  assert.throws(() => dropDeadU8Mqtt(installed('u8-mqtt/esm/web/basic-v4.js').replace('with_autoreconnect(', 'with_auto_reconnect(')), /u8-mqtt: expected \d+ methods to drop/);
  assert.throws(() => dropLeanQrCanvas(installed('lean-qr/nano.mjs').replace('toCanvas(', 'draw(')), /lean-qr-slim/);
});

test('the trimmed u8-mqtt client still publishes through _send', () => {
  const out = dropDeadU8Mqtt(installed('u8-mqtt/esm/web/basic-v4.js'));
  assert.match(out, /async pub\(pkt, pub_opt\) \{ return this\._send\('publish', pkt, pkt\.qos \? pkt : null\) \}/);
  assert.doesNotMatch(out, /console\.(info|warn)\('\[\[u8-mqtt/);
});

test('noble ciphers share the hashes’ helpers only while both define them alike', async () => {
  const { shareNobleUtils } = await import('../../tools/noble-shared-utils.mjs');
  const ciphers = installed('@noble/ciphers/utils.js');
  const hashes = installed('@noble/hashes/utils.js');
  const out = shareNobleUtils(ciphers, hashes);
  assert.match(out, /^import \{ isBytes, anumber, abytes/);
  assert.doesNotMatch(out, /export function abytes\(/);
  assert.match(out, /export const wrapCipher/);
  const changed = hashes.replace('function clean(...arrays) {', 'function clean(...arrays) {\n    if (arrays.length > 99) return;');
  assert.throws(() => shareNobleUtils(ciphers, changed), /clean is not the same/);
});
