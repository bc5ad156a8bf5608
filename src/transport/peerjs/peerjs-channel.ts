import type { DataConnection } from 'peerjs';
import { RtcChannel } from '../rtc-channel.js';

/** A PeerJS `raw` DataConnection as a Channel: its RTCDataChannel, closed through PeerJS. */
export function peerjsChannel(connection: DataConnection, initiator: boolean, report: (error: unknown) => void): RtcChannel {
  return new RtcChannel({
    pc: connection.peerConnection,
    dc: connection.dataChannel,
    remoteId: connection.peer,
    initiator,
    report,
    onClosed: () => connection.close(),
  });
}
