// Removes the parts of PeerJS friends-chat never reaches: media calls (MediaConnection)
// and the BinaryPack and JSON data connections. friends-chat dials only `raw` data connections, and
// its guard drops every other offer before PeerJS sees it
// (src/transport/peerjs/peerjs-signaling.ts), so neither class is ever constructed. Each
// is replaced by a class that throws if it ever were. Methods nothing reaches (listed below)
// lose their bodies the same way (tools/dead-methods.mjs).
import ts from 'typescript';
import { applyCuts, deadMethodCuts } from './dead-methods.mjs';

/** A class is recognised by a line only it contains, not by its bundler-generated name. */
const DEAD = [
  { marker: 'this.ID_PREFIX = "mc_"', what: 'media connections' },
  { marker: 'this._chunkedData = {}', what: 'BinaryPack data connections' },
  { marker: '"Message too big for JSON channel"', what: 'JSON data connections' },
];

/**
 * Methods friends-chat never reaches, by a line only their class contains: the Peer's media
 * calls, broker peer list and reconnect (friends-chat makes a new Peer instead); the HTTP
 * API's peer list (only Peer.listAllPeers calls it) and ID request (a Peer asks for an ID
 * only when given none; friends-chat always gives its rendezvous ID, and were it ever
 * missing, the stub's rejection reaches the Peer's `error` event as a server error); the
 * binary helpers of the BinaryPack connection; the negotiator's media tracks; the browser
 * check's unified-plan probe and description (nothing calls either).
 */
const DEAD_METHODS = [
  { marker: 'this.DEFAULT_KEY = "peerjs"', methods: ['call', 'listAllPeers', 'reconnect'] },
  { marker: '_buildRequest(method)', methods: ['listAllPeers', 'retrieveId'] },
  { marker: 'this.CLOUD_HOST = "0.peerjs.com"', methods: ['blobToArrayBuffer', 'binaryStringToArrayBuffer'] },
  { marker: 'async _makeOffer()', methods: ['_addTracksToConnection', '_addStreamToMediaConnection'] },
  { marker: 'this.minSafariVersion = 605', methods: ['isUnifiedPlanSupported', { name: 'toString', body: "{ return 'PeerJS browser check'; }" }] },
];

/** EventEmitter3 methods nothing calls (friends-chat uses on, once, emit and removeAllListeners). */
const DEAD_EMITTER_METHODS = ['eventNames', 'listeners', 'listenerCount'];

export function dropDeadPeerjs(code) {
  const source = ts.createSourceFile('peerjs.mjs', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const cuts = deadMethodCuts(source, DEAD_METHODS, 'PeerJS');
  for (const statement of source.statements) {
    if (deadEmitterMethod(statement)) cuts.push([statement.getStart(source), statement.getEnd(), '']);
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    const text = statement.getText(source);
    const dead = DEAD.find((d) => text.includes(d.marker));
    if (!dead) continue;
    const heritage = statement.heritageClauses?.map((h) => h.getText(source)).join(' ') ?? '';
    const stub = `class ${statement.name.text} ${heritage} { constructor() { throw new Error('friends-chat does not use PeerJS ${dead.what}'); } }`;
    cuts.push([statement.getStart(source), statement.getEnd(), stub]);
  }
  const expected = DEAD.length + DEAD_EMITTER_METHODS.length;
  const found = cuts.length - DEAD_METHODS.reduce((sum, { methods }) => sum + methods.length, 0);
  if (found !== expected) throw new Error(`peerjs-slim: expected ${expected} parts to drop, found ${found} (PeerJS changed?)`);
  return applyCuts(code, cuts);
}

/** `…$var$EventEmitter.prototype.<dead method> = function …;` */
function deadEmitterMethod(statement) {
  if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) return false;
  const { left, operatorToken } = statement.expression;
  if (operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(left)) return false;
  const prototype = left.expression;
  return ts.isPropertyAccessExpression(prototype) && prototype.name.text === 'prototype' && ts.isIdentifier(prototype.expression)
    && /\$var\$EventEmitter$/.test(prototype.expression.text) && DEAD_EMITTER_METHODS.includes(left.name.text);
}
