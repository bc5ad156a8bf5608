// PeerJS answers an incoming data channel by looking its DataConnection up again
// (`provider.getConnection(…)._initializeDataChannel(…)`). When friends-chat has already
// closed that connection — the widget stopped (removed, locked) while a friend's dial was
// between offer and data channel — the lookup is null and PeerJS throws an uncaught
// TypeError into the page. This patch makes such a late channel close instead. Applied to
// the bundle and to the PeerJS the tests load; a PeerJS whose text differs fails the build.
const UNGUARDED = 'connection._initializeDataChannel(dataChannel);';
const GUARDED = 'connection ? connection._initializeDataChannel(dataChannel) : dataChannel.close();';

export function guardLateDataChannel(code) {
  const count = code.split(UNGUARDED).length - 1;
  if (count !== 1) throw new Error(`peerjs-late-channel: expected the data channel handler once, found ${count} (PeerJS changed?)`);
  return code.replace(UNGUARDED, GUARDED);
}
