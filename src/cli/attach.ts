/** `iu attach` and `iu detach`: a loaded program at a hook, and taking it off again. */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { IuError } from "../errors.js";
import {
  attach,
  BpfProgram,
  detachTarget,
  formatTarget,
  Link,
  hookOf,
  parseTarget,
  targetSyntax,
  unpinLink,
} from "../loader/index.js";
import { err, int, json, jsonOpt, out } from "./output.js";
import { foreground } from "./trace.js";

export function registerAttachCommands(program: Command): void {
  program
    .command("attach")
    .description("attach a loaded program (id, id:N or pinned path) to a target")
    .argument("<prog>", "program id or pinned path")
    .argument("<target>", targetSyntax())
    .option("--pin <path>", "pin the link here (bpffs) and return; otherwise stay until SIGINT/SIGTERM")
    .option("-q, --quiet", "no progress messages")
    .addOption(jsonOpt())
    .action(async (ref: string, targetText: string, o: { pin?: string; quiet?: boolean; json?: boolean }) => {
      const t = parseTarget(targetText);
      const prog = BpfProgram.open(ref);
      let link: Link;
      try {
        link = attach(prog.fd, prog.type, t);
      } finally {
        prog.close();
      }
      const ids = link.ids();
      if (!ids.length) {
        // A hook without links (a socket filter): the target holds the program itself.
        if (o.json) json({ prog: prog.id, target: formatTarget(t), links: [], pinned: null });
        else
          out(
            `attached prog ${prog.id} → ${formatTarget(t)} (no link: \`iu detach ${formatTarget(t)}\` takes it off)`,
          );
        return;
      }
      if (o.pin) link.pin(o.pin);
      if (o.json) json({ prog: prog.id, target: formatTarget(t), links: ids, pinned: o.pin ?? null });
      else
        out(
          `attached prog ${prog.id} → ${formatTarget(t)} (link ${ids.join(", ")})${o.pin ? `, pinned at ${o.pin}` : ""}`,
        );
      if (o.pin) {
        link.close();
        return;
      }
      await foreground(!!o.json, !!o.quiet, () => link.close(), "detached");
    });

  program
    .command("detach")
    .description("detach what is attached at a target, a pinned link, or a link by id")
    .argument(
      "<what>",
      "a target (xdp:eth0, tc:eth0:ingress, raw_tp:NAME, kprobe:FUNC, ...), a pinned link path, or link:ID",
    )
    .option("--prog <id>", "only links of this program id", int)
    .addOption(jsonOpt())
    .action((what: string, o: { prog?: number; json?: boolean }) => {
      const m = /^link:(\d+)$/.exec(what);
      if (m) {
        const l = Link.fromId(Number(m[1]));
        l.detach();
        return o.json ? json({ detached: [Number(m[1])] }) : out(`detached link ${m[1]}`);
      }
      if (what.startsWith("/") && existsSync(what)) {
        const l = Link.fromPinned(what);
        const ids = l.ids();
        l.detach();
        unpinLink(what);
        return o.json
          ? json({ detached: ids, unpinned: what })
          : out(`detached link ${ids.join(", ")}, removed ${what}`);
      }
      const r = detachTarget(parseTarget(what), o.prog);
      if (o.json) return json(r);
      if (!r.detached.length && !r.stuck.length && !hookOf(parseTarget(what)).detach)
        throw new IuError(`nothing is attached at ${what} through a bpf link`);
      if (r.detached.length) out(`detached link ${r.detached.join(", ")}`);
      if (r.stuck.length)
        err(
          `iu: link ${r.stuck.join(", ")} cannot be force-detached (perf-event links): ` +
            `remove its pin or stop the process that holds it`,
        );
    });
}
