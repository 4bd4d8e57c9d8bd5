// The fixtures shared by a sample's host test (`iu test`, src/lib.rs) and its VM test:
// samples/NAME/fixture.json holds the inputs and the expected outputs, so user space and
// the kernel are checked against the same data.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";

export interface PacketCase {
  packet: string;
  retval: number;
  out?: string;
  expr?: string;
  value?: string;
  nodes?: number;
}

export interface Fixture {
  repeat?: number;
  port?: number;
  config?: string;
  cases?: PacketCase[];
  calls?: number;
  count?: number;
  line?: string;
  maps?: Record<string, Record<string, string>>;
}

export function loadFixture(sample: string): Fixture {
  return JSON.parse(readFileSync(join(repoRoot, "samples", sample, "fixture.json"), "utf8")) as Fixture;
}
