import { fromHex } from '../../src/util/bytes.js';

export interface NoiseVector {
  protocol_name: string;
  init_prologue: string;
  init_static: string;
  init_ephemeral: string;
  resp_prologue: string;
  resp_static: string;
  resp_ephemeral: string;
  init_psks?: string[];
  resp_psks?: string[];
  handshake_hash: string;
  messages: { payload: string; ciphertext: string }[];
}

/**
 * The published Noise test vectors (test/vectors/noise-xx.json, copied verbatim from the
 * published set so a clone runs its tests with nothing else).
 */
export async function loadNoiseVectors(): Promise<NoiseVector[]> {
  const response = await fetch(new URL('../vectors/noise-xx.json', import.meta.url));
  const json = (await response.json()) as { vectors: NoiseVector[] };
  return json.vectors;
}

export const hex = fromHex;
