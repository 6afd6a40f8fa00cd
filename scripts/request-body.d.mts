export const BODY_HEADER: string;
export function registerBody(message: { request: import("node:http").IncomingMessage }): void;
