// The part of u8-mqtt's basic MQTT 3.1.1 client that friends-chat uses (the package ships no types).
declare module 'u8-mqtt/esm/web/basic-v4.js' {
  export interface U8Publish {
    topic: string;
    payload: Uint8Array;
    qos: number;
    pkt_id?: number;
  }
  /** `[packet]` on success, `[undefined, 'expired']` when no answer came in time. */
  export type U8Answer = [({ reason?: number; answers?: number[]; flags?: { session_present: boolean } } & Record<string, unknown>) | undefined, string?];
  export interface U8Client {
    with_websock(socket: WebSocket): U8Client;
    connect(packet: { client_id: string; flags?: { clean_start?: boolean }; keep_alive?: number }): Promise<U8Answer>;
    subscribe(packet: { topics: [string, { qos: number }][] }): Promise<U8Answer>;
    pub(packet: { topic: string; payload: Uint8Array; qos: number }): Promise<U8Answer | true>;
    /** The raw send: no answer is awaited when `key` is left out. */
    _send(type: 'publish', packet: { topic: string; payload: Uint8Array; qos: 0 }): Promise<unknown>;
    puback(packet: { pkt_id: number }): Promise<unknown>;
    disconnect(): Promise<unknown>;
  }
  export interface U8Options {
    on_mqtt_type: { mqtt_publish(packet: U8Publish): void | Promise<void> };
    log_conn(): void;
    on_error(): void;
    on_live(): void;
    on_disconnect(): void;
    sess_stg?: undefined;
  }
  export function mqtt_v4(options: U8Options): U8Client;
}
