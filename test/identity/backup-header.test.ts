import { expect } from '@esm-bundle/chai';
import { deriveBackupKey, randomBytes, sha256, xchachaEncrypt } from '../../src/crypto/index.js';
import { openBackup, sealBackup } from '../../src/identity/backup.js';
import { concat, fromBase64Url, toBase64Url, utf8 } from '../../src/util/bytes.js';

const light = { N: 2 ** 14, r: 8, p: 1 };
const PASS = 'correct horse battery';
const secret = utf8('{"v":1,"contacts":[]}');

/** Rewrites the header of a backup and recomputes the unkeyed damage check, as an attacker can. */
function withHeader(backup: string, edit: (fields: string[]) => string[]): string {
  const parts = backup.split('.');
  const data = fromBase64Url(parts.pop()!);
  const body = data.subarray(0, data.length - 8);
  const header = edit(parts).join('.');
  return `${header}.${toBase64Url(concat(body, sha256(concat(utf8(header), body)).subarray(0, 8)))}`;
}

/** A version-1 backup exactly as the previous release wrote it (no associated data). */
async function legacyBackup(plaintext: Uint8Array, passphrase: string): Promise<string> {
  const salt = randomBytes(16);
  const nonce = randomBytes(24);
  const key = await deriveBackupKey(passphrase, salt, light);
  const header = 'friends-chat-backup.1.14.8.1';
  const body = concat(salt, nonce, xchachaEncrypt(key, nonce, plaintext));
  return `${header}.${toBase64Url(concat(body, sha256(concat(utf8(header), body)).subarray(0, 8)))}`;
}

async function refusal(backup: string, passphrase = PASS): Promise<string> {
  try {
    await openBackup(backup, passphrase);
    return 'opened';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('backup header is authenticated', function () {
  this.timeout(120000);
  let backup = '';
  before(async () => {
    backup = await sealBackup(secret, PASS, light);
  });

  it('writes version 2 and opens it with the right passphrase only', async () => {
    expect(backup).to.match(/^friends-chat-backup\.2\.14\.8\.1\.[A-Za-z0-9_-]+$/);
    expect(await openBackup(backup, PASS)).to.deep.equal(secret);
    expect(await refusal(backup, 'wrong horse battery')).to.equal('bad-passphrase');
  });

  // Each row: a header edit (with the damage check recomputed) → the refusal.
  const rows: [string, (f: string[]) => string[], string][] = [
    ['version relabelled (2 → 1, 1 → 2)', (f) => [f[0]!, f[1] === '2' ? '1' : '2', ...f.slice(2)], 'bad-backup'],
    ['version 3', (f) => [f[0]!, '3', ...f.slice(2)], 'bad-backup'],
    ['version spelled 02 / 01', (f) => [f[0]!, `0${f[1]}`, ...f.slice(2)], 'bad-backup'],
    ['log2 N spelled 014', (f) => [f[0]!, f[1]!, '014', ...f.slice(3)], 'bad-backup'],
    ['r spelled 08', (f) => [f[0]!, f[1]!, f[2]!, '08', f[4]!], 'bad-backup'],
    ['p spelled 01', (f) => [...f.slice(0, 4), '01'], 'bad-backup'],
    ['p spelled +1', (f) => [...f.slice(0, 4), '+1'], 'bad-backup'],
    ['prefix changed', (f) => ['friends-chat-backuP', ...f.slice(1)], 'bad-backup'],
    ['log2 N out of range (30)', (f) => [f[0]!, f[1]!, '30', ...f.slice(3)], 'bad-backup'],
    // scrypt's parameters are key-derivation inputs: a changed one derives another key, which
    // without the passphrase nobody can tell from a wrong passphrase. It never opens.
    ['r changed 8 → 9', (f) => [f[0]!, f[1]!, f[2]!, '9', f[4]!], 'bad-passphrase'],
  ];
  for (const [name, edit, expected] of rows) {
    it(`refuses a tampered header: ${name} → ${expected}`, async () => {
      expect(await refusal(withHeader(backup, edit))).to.equal(expected);
    });
  }

  it('still opens a version-1 backup of the previous release, and refuses it relabelled as version 2', async () => {
    const old = await legacyBackup(secret, PASS);
    expect(await openBackup(old, PASS)).to.deep.equal(secret);
    expect(await refusal(old, 'wrong horse battery')).to.equal('bad-passphrase');
    expect(await refusal(withHeader(old, (f) => [f[0]!, '2', ...f.slice(2)]))).to.equal('bad-backup');
  });

  it('refuses a flipped ciphertext byte with the right passphrase as altered (bad-backup)', async () => {
    const parts = backup.split('.');
    const data = fromBase64Url(parts.pop()!);
    data[16 + 24 + 16 + 3]! ^= 1;
    const body = data.subarray(0, data.length - 8);
    const header = parts.join('.');
    const tampered = `${header}.${toBase64Url(concat(body, sha256(concat(utf8(header), body)).subarray(0, 8)))}`;
    expect(await refusal(tampered)).to.equal('bad-backup');
  });
});
