/**
 * A WebSocket as u8-mqtt's `with_websock` sees it, but handing over whole MQTT packets only.
 * u8-mqtt 0.6.7's stream decoder keeps the length of the last incomplete packet as its
 * threshold and then sits on complete smaller packets until that many bytes arrived (brokers
 * send a packet's header and payload as separate WebSocket messages), so messages would
 * stall. Reassembling here also caps what a broker can make us buffer: a packet announcing
 * more than `maxPacket` bytes closes the connection.
 */
export class PacketSocket {
  readonly #socket: WebSocket;
  readonly #maxPacket: number;
  #buffer = new Uint8Array(0);
  binaryType: BinaryType = 'arraybuffer';
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onclose: ((event: { wasClean: boolean; code: number; reason: string }) => void) | null = null;

  constructor(socket: WebSocket, maxPacket: number) {
    this.#socket = socket;
    this.#maxPacket = maxPacket;
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', (event) => this.onopen?.(event));
    socket.addEventListener('error', (event) => this.onerror?.(event));
    socket.addEventListener('close', (event) => this.onclose?.(event));
    socket.addEventListener('message', (event: MessageEvent) => {
      if (!(event.data instanceof ArrayBuffer)) {
        socket.close();
        return;
      }
      this.#take(new Uint8Array(event.data));
    });
  }

  get readyState(): number {
    return this.#socket.readyState;
  }

  send(bytes: Uint8Array): void {
    this.#socket.send(bytes as Uint8Array<ArrayBuffer>);
  }

  close(): void {
    this.#socket.close();
  }

  #take(chunk: Uint8Array): void {
    let buffer = this.#buffer.length === 0 ? chunk : join(this.#buffer, chunk);
    for (;;) {
      const size = packetSize(buffer);
      if (size === -1 || size > this.#maxPacket) {
        this.#buffer = new Uint8Array(0);
        this.#socket.close();
        return;
      }
      if (size === 0 || size > buffer.length) break;
      const packet = buffer.slice(0, size);
      buffer = buffer.subarray(size);
      this.onmessage?.({ data: packet.buffer });
    }
    this.#buffer = buffer.slice();
  }
}

/** The whole size of the packet at the start of `bytes`; 0 when unknown yet, -1 when malformed. */
function packetSize(bytes: Uint8Array): number {
  let length = 0;
  for (let i = 1; i <= 4; i++) {
    if (i >= bytes.length) return 0;
    const byte = bytes[i]!;
    length += (byte & 0x7f) * 128 ** (i - 1);
    if ((byte & 0x80) === 0) return 1 + i + length;
  }
  return -1;
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
