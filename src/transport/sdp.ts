/**
 * The DTLS certificate fingerprint of an SDP (`a=fingerprint:sha-256 AB:CD:…`), normalised
 * to `algorithm hex-uppercase`. The session prologue binds both fingerprints, so a broker
 * that swaps them (a man in the middle) breaks the handshake. '' when there is none.
 */
export function dtlsFingerprint(sdp: string): string {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  if (!match) return '';
  return `${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}`;
}
