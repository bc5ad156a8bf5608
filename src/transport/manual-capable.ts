/**
 * A signaling backend that connects by copy-paste: one side makes an offer, the other
 * answers it, the first takes the answer. `manual:` is one; the root element asks for the
 * capability, not for a class.
 */
export interface ManualCapable {
  /** Step 1 (this side): an offer to give to the friend. */
  createOffer(): Promise<string>;
  /** Step 2 (the friend's side): takes an offer, returns the answer to send back. */
  acceptOffer(offer: string): Promise<string>;
  /** Step 3 (this side again): takes the friend's answer; the channel opens after it. */
  acceptAnswer(answer: string): Promise<void>;
}

export function isManualCapable(signaling: unknown): signaling is ManualCapable {
  const s = signaling as Partial<ManualCapable> | null;
  return typeof s?.createOffer === 'function' && typeof s.acceptOffer === 'function' && typeof s.acceptAnswer === 'function';
}
