/** Toolchain commands: iu new, iu build, iu inspect, iu key show (modules load when they run). */
import { readFileSync, existsSync } from "node:fs";
import { Command, Option } from "commander";
import { IuError } from "../errors.js";
import { newProgram, PROGRAM_TYPES } from "../toolchain/new.js";

export function registerToolchainCommands(program: Command): void {
  program
    .command("new")
    .description("create a program crate that builds as is")
    .argument("<name>", "directory to create (its last component is the program's name)")
    .addOption(new Option("-t, --type <type>", "hook type").choices([...PROGRAM_TYPES]).default("tracepoint"))
    .action((name: string, o: { type: string }) => {
      const files = newProgram(name, o.type);
      process.stdout.write(`created ${files.join(", ")}\nbuild it with: iu build ${name}\n`);
    });

  program
    .command("build")
    .description("compile, check, link and sign a program into a native image (*.iu)")
    .argument("[dir]", "the program crate", ".")
    .option("-o, --out <file>", "output image (default: DIR/target/iu/NAME.iu)")
    .option("-v, --verbose", "print the commands run")
    .option("--samples", "build every program under samples/ (to its default output) instead of DIR")
    .action(async (dir: string, o: { out?: string; verbose?: boolean; samples?: boolean }) => {
      const { build } = await import("../toolchain/build.js");
      const { buildSamples } = await import("../toolchain/samples.js");
      const log = o.verbose ? (l: string) => process.stderr.write(`iu: ${l}\n`) : undefined;
      if (o.samples && o.out) throw new IuError("--samples writes each image to its default place; drop -o");
      const results = o.samples ? buildSamples({ log }) : [build(dir, { out: o.out, log })];
      for (const r of results) {
        const progs = r.image.programs.map((p) => `${p.name} (${p.type} ${p.attach || "-"})`).join(", ");
        process.stdout.write(
          `${r.out}: ${r.size} bytes, signed; programs: ${progs}; ${r.seconds.toFixed(1)} s\n`,
        );
      }
    });

  program
    .command("inspect")
    .description("show an image's programs, maps, helpers, segments and signature")
    .argument("<file>", "the image (*.iu)")
    .option("--json", "machine-readable output (stable interface)")
    .option("--cert <pem>", "certificate to verify against (default: the local signing certificate)")
    .action(async (file: string, o: { json?: boolean; cert?: string }) => {
      const { inspectImage, formatInspection } = await import("../toolchain/inspect.js");
      if (!existsSync(file))
        throw new IuError(`${file} does not exist. Build an image with: iu build DIR -o ${file}`);
      const info = inspectImage(new Uint8Array(readFileSync(file)), o.cert);
      process.stdout.write(o.json ? JSON.stringify(info, null, 2) + "\n" : formatInspection(file, info));
    });

  const key = program.command("key").description("the toolchain's signing key");
  key
    .command("show")
    .description("print where the signing key and certificate are, and the certificate's fingerprint")
    .option("--json", "machine-readable output")
    .action(async (o: { json?: boolean }) => {
      const { ensureSigningKey, certFingerprint, signingKeyPaths } = await import("../toolchain/keys.js");
      const existed = existsSync(signingKeyPaths().certPath);
      const k = ensureSigningKey();
      const info = {
        key: k.keyPath,
        cert: k.certPath,
        fingerprint: certFingerprint(k.certPath),
        created: !existed,
      };
      process.stdout.write(
        o.json
          ? JSON.stringify(info, null, 2) + "\n"
          : `${existed ? "" : "created a new signing key\n"}key:         ${info.key}\ncertificate: ${info.cert}\nSHA-256:     ${info.fingerprint}\n`,
      );
    });
}
