/**
 * Socket filters: `socket:PID:FD`, a BPF_PROG_TYPE_SOCKET_FILTER program on socket FD of
 * process PID (`setsockopt(SO_ATTACH_BPF)` on a duplicate of it taken with
 * `pidfd_getfd`, so also a socket of another process; `process.pid` for one's own).
 * There is no link: the socket holds the program until it is closed or the filter is
 * replaced, or `iu detach socket:PID:FD` (SO_DETACH_BPF) takes it off.
 */
import { ProgType } from "../attr.js";
import { closeFd, pidGetFd, setsockoptInt } from "../sys.js";
import type { Hook, Refuse } from "./types.js";

const SOL_SOCKET = 1;
const SO_DETACH_FILTER = 27;
const SO_ATTACH_BPF = 50;

export interface SocketTarget {
  kind: "socket";
  pid: number;
  fd: number;
}

/** Runs `f` on a duplicate of the target socket. */
function onSocket<R>(t: SocketTarget, f: (fd: number) => R): R {
  const fd = pidGetFd(t.pid, t.fd);
  try {
    return f(fd);
  } finally {
    closeFd(fd);
  }
}

export const socketFilter: Hook<SocketTarget> = {
  kind: "socket",
  prefixes: ["socket"],
  syntax: ["socket:PID:FD"],
  examples: ["socket:1234:3"],
  progTypes: [ProgType.SOCKET_FILTER],
  templates: ["socket_filter"],

  parse(_prefix: string, rest: string, bad: Refuse) {
    const m = /^(\d+):(\d+)$/.exec(rest);
    if (!m) bad("want PID:FD (a socket's file descriptor in that process)");
    return { kind: "socket", pid: Number(m[1]), fd: Number(m[2]) };
  },

  format(t) {
    return `socket:${t.pid}:${t.fd}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(attach.startsWith("socket:") ? attach : `socket:${attach}`);
  },

  attach(progFd, t, what) {
    onSocket(t, (fd) => setsockoptInt(fd, SOL_SOCKET, SO_ATTACH_BPF, progFd, `SO_ATTACH_BPF (${what})`));
    return [];
  },

  detach(t) {
    onSocket(t, (fd) =>
      setsockoptInt(fd, SOL_SOCKET, SO_DETACH_FILTER, 0, `SO_DETACH_BPF (${this.format(t)})`),
    );
  },

  describe() {
    return undefined;
  },

  linkMatcher() {
    return () => false;
  },
};
