import { readlinkSync } from "node:fs";

/** The calling thread's Linux thread id (the last part of /proc/thread-self); throws where there is no such file. */
export function ownThreadId(): number {
  return Number(readlinkSync("/proc/thread-self").split("/").pop());
}
