/**
 * The request header carrying the TCP peer address. scripts/peer-address.mjs sets it from the socket on every
 * request (replacing whatever a client sent under that name), before Next sees the request.
 */
export const PEER_HEADER = "x-emg-peer";
