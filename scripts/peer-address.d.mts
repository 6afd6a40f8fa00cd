export const PEER_HEADER: string;
export function markPeer(message: unknown): void;
