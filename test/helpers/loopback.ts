import type { Channel } from '../../src/transport/channel.js';
import { LoopbackNetwork, type LoopbackChannel } from '../../src/transport/loopback/loopback-network.js';
import { LoopbackSignaling } from '../../src/transport/loopback/loopback-signaling.js';

let n = 0;

/** Two channels joined over a fresh (or given) loopback network: [initiator, responder]. */
export async function channelPair(network = new LoopbackNetwork()): Promise<[LoopbackChannel, LoopbackChannel, LoopbackNetwork]> {
  const a = new LoopbackSignaling(network);
  const b = new LoopbackSignaling(network);
  const ida = `a${++n}`;
  const idb = `b${n}`;
  a.start(ida);
  b.start(idb);
  const incoming = new Promise<Channel>((resolve) => b.onChannel(resolve));
  const ours = (await a.dial(idb)) as LoopbackChannel;
  const theirs = (await incoming) as LoopbackChannel;
  return [ours, theirs, network];
}

/** Collects uncaught errors and unhandled rejections while `run` executes. */
export async function noUncaughtErrors(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onError = (e: ErrorEvent): void => {
    seen.push(e.error ?? e.message);
  };
  const onRejection = (e: PromiseRejectionEvent): void => {
    seen.push(e.reason);
  };
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  try {
    await run();
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  }
  return seen;
}
