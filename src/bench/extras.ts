/**
 * Workloads that are not a test run of one program pair: attached programs through a
 * syscall loop, load time against program size, recursion against tail calls.
 */
import type { GuestConfig } from "./guest.js";

export interface ExtrasConfig {
  syscallLoop?: boolean;
}

export type ExtrasResult = Record<string, unknown>;

export async function runExtras(
  _cfg: ExtrasConfig,
  _g: GuestConfig,
  _log: (s: string) => void,
): Promise<ExtrasResult> {
  return Promise.resolve({});
}

/** Host side: build what the extras need before the VM boots. */
export function prepareExtras(_quick: boolean, _log: (s: string) => void): ExtrasConfig {
  return {};
}
