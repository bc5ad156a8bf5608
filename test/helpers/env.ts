/** Where the test run's local PeerJS servers listen (started by web-test-runner.config.mjs). */
export interface BrokerInfo {
  port: number;
  path: string;
  key: string;
}

let cached: { brokers: Record<'main' | 'second', BrokerInfo> } | undefined;

export async function brokers(): Promise<Record<'main' | 'second', BrokerInfo>> {
  cached ??= await (await fetch('/__env')).json();
  return cached!.brokers;
}

/** `peerjs://127.0.0.1:port/path?key=…` for one of the test brokers. */
export async function signalingUrl(name: 'main' | 'second' = 'main'): Promise<string> {
  const b = (await brokers())[name];
  return `peerjs://127.0.0.1:${b.port}${b.path}?key=${b.key}`;
}

/** Stops or starts a test broker (its port stays the same). */
export async function controlBroker(name: 'main' | 'second', action: 'stop' | 'start'): Promise<void> {
  const response = await fetch(`/__broker/${name}/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`broker ${action} failed`);
}

/** The rendezvous IDs registered with a test broker right now. */
export async function registeredIds(name: 'main' | 'second' = 'main'): Promise<string[]> {
  return (await (await fetch(`/__broker/${name}/peers`)).json()).ids;
}

/** No ICE servers at all: tests must never reach outside 127.0.0.0/8. */
export const NO_ICE = '[]';

let counter = 0;
/** A profile name no other test uses, so IndexedDB state never leaks between tests. */
export function uniqueProfile(prefix = 'p'): string {
  return `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function waitForEvent<T extends Event>(target: EventTarget, type: string, timeout = 15000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeout);
    target.addEventListener(
      type,
      (event) => {
        clearTimeout(timer);
        resolve(event as T);
      },
      { once: true },
    );
  });
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeout = 15000): Promise<void> {
  const start = performance.now();
  while (!(await condition())) {
    if (performance.now() - start > timeout) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
