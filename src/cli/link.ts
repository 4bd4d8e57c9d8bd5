/** `iu link`: the bpf links in the kernel and what they attach. */
import type { Command } from "commander";
import { listLinks } from "../loader/index.js";
import { json, jsonOpt, out } from "./output.js";

export function registerLinkCommands(program: Command): void {
  const link = program.command("link").description("bpf links");
  link
    .command("list")
    .description("list bpf links")
    .addOption(jsonOpt())
    .action((o: { json?: boolean }) => {
      const list = listLinks();
      if (o.json) return json(list);
      for (const l of list) out(`${l.id}: ${l.type}  prog ${l.progId}${l.target ? "  " + l.target : ""}`);
    });
}
