/**
 * Records every connection the page tries to open (WebSocket, fetch, XHR, EventSource,
 * beacons, ICE servers of RTCPeerConnection) and keeps those to hosts outside
 * 127.0.0.0/8 from leaving the machine: a WebSocket goes to a closed local port instead,
 * the others fail. `outside` lists what was attempted; `restore()` undoes it all.
 */
export interface NetworkWatch {
  readonly outside: string[];
  restore(): void;
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url, location.href).hostname;
    return /^127\./.test(host) || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

export function watchNetwork(): NetworkWatch {
  const outside: string[] = [];
  const note = (url: string): boolean => {
    if (isLoopback(url)) return false;
    outside.push(url);
    return true;
  };
  const { WebSocket: OriginalWebSocket, fetch: originalFetch, RTCPeerConnection: OriginalPeerConnection, EventSource: OriginalEventSource } = window;
  const originalOpen = XMLHttpRequest.prototype.open;
  const originalBeacon = navigator.sendBeacon;

  window.WebSocket = class extends OriginalWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(note(String(url)) ? 'ws://127.0.0.1:9/' : url, protocols);
    }
  };
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    return note(url) ? Promise.reject(new TypeError(`blocked: ${url}`)) : originalFetch(input, init);
  };
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    if (note(String(url))) throw new TypeError(`blocked: ${url}`);
    return (originalOpen as (...a: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof XMLHttpRequest.prototype.open;
  window.EventSource = class extends OriginalEventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(note(String(url)) ? 'http://127.0.0.1:9/' : url, init);
    }
  };
  navigator.sendBeacon = (url: string | URL, data?: BodyInit | null) => (note(String(url)) ? false : originalBeacon.call(navigator, url, data));
  window.RTCPeerConnection = class extends OriginalPeerConnection {
    constructor(config?: RTCConfiguration) {
      const servers = (config?.iceServers ?? []).flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));
      // stun:host:port is not a URL with a host; read the host by hand.
      const far = servers.filter((u) => !/^(stuns?|turns?):(127\.[0-9.]+|localhost|\[::1\])(:|$|\?)/.test(u));
      outside.push(...far);
      super(far.length ? { ...config, iceServers: [] } : config);
    }
  } as typeof RTCPeerConnection;

  return {
    outside,
    restore() {
      window.WebSocket = OriginalWebSocket;
      window.fetch = originalFetch;
      XMLHttpRequest.prototype.open = originalOpen;
      window.EventSource = OriginalEventSource;
      navigator.sendBeacon = originalBeacon;
      window.RTCPeerConnection = OriginalPeerConnection;
    },
  };
}
