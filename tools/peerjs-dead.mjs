// Removes the parts of PeerJS friends-chat never reaches: media calls (MediaConnection)
// and the BinaryPack and JSON data connections. friends-chat dials only `raw` data connections, and
// its guard drops every other offer before PeerJS sees it
// (src/transport/peerjs/peerjs-signaling.ts), so neither class is ever constructed. Each
// is replaced by a class that throws if it ever were.
import ts from 'typescript';

/** A class is recognised by a line only it contains, not by its bundler-generated name. */
const DEAD = [
  { marker: 'this.ID_PREFIX = "mc_"', what: 'media connections' },
  { marker: 'this._chunkedData = {}', what: 'BinaryPack data connections' },
  { marker: '"Message too big for JSON channel"', what: 'JSON data connections' },
];

/**
 * Methods friends-chat never reaches, by a line only their class contains: the Peer's media
 * calls and broker peer list, and the HTTP API's peer list (only Peer.listAllPeers calls it).
 */
const DEAD_METHODS = [
  { marker: 'this.DEFAULT_KEY = "peerjs"', methods: ['call', 'listAllPeers'] },
  { marker: '_buildRequest(method)', methods: ['listAllPeers'] },
];

export function dropDeadPeerjs(code) {
  const source = ts.createSourceFile('peerjs.mjs', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const cuts = [];
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    const text = statement.getText(source);
    for (const { marker, methods } of DEAD_METHODS) {
      if (!text.includes(marker)) continue;
      for (const member of statement.members) {
        if (!ts.isMethodDeclaration(member) || !member.body || !methods.includes(member.name.getText(source))) continue;
        cuts.push([member.body.getStart(source), member.body.getEnd(), `{ throw new Error('friends-chat does not use PeerJS ${member.name.getText(source)}'); }`]);
      }
    }
    const dead = DEAD.find((d) => text.includes(d.marker));
    if (!dead) continue;
    const heritage = statement.heritageClauses?.map((h) => h.getText(source)).join(' ') ?? '';
    const stub = `class ${statement.name.text} ${heritage} { constructor() { throw new Error('friends-chat does not use PeerJS ${dead.what}'); } }`;
    cuts.push([statement.getStart(source), statement.getEnd(), stub]);
  }
  const expected = DEAD.length + DEAD_METHODS.reduce((sum, { methods }) => sum + methods.length, 0);
  if (cuts.length !== expected) throw new Error(`peerjs-slim: expected ${expected} parts to drop, found ${cuts.length} (PeerJS changed?)`);
  let out = code;
  for (const [start, end, stub] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + stub + out.slice(end);
  return out;
}
