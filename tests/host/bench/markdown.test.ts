// The bench's Markdown blocks: README.md and docs/BENCH.md hold exactly what the generator
// renders from the committed docs/bench/results.json, and a block is replaced whole or the
// update fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import {
  BLOCKS,
  blocksIn,
  readReport,
  renderAll,
  renderBlock,
  summaryBlock,
  updateBlocks,
} from "../../../src/bench/markdown.js";
import { buildReport } from "../../../src/bench/report.js";
import type { GuestResult } from "../../../src/bench/types.js";

const results = join(repoRoot, "docs", "bench", "results.json");
const docs = { "README.md": ["summary", "workloads"], "docs/BENCH.md": ["runaway", "load-time"] };

for (const [file, blocks] of Object.entries(docs))
  test(`${file}: its bench blocks are what docs/bench/results.json renders`, () => {
    const text = readFileSync(join(repoRoot, file), "utf8");
    assert.deepEqual(blocksIn(text), blocks);
    const rep = readReport(results);
    // On failure: npx iu bench --from docs/bench/results.json --update README.md docs/BENCH.md
    assert.equal(text, updateBlocks(text, rep, file));
  });

const guest: GuestResult = {
  mode: "icount",
  kernel: "6.12.117-iu",
  cpus: 1,
  jitEnabled: "1",
  workloads: [
    {
      name: "xdp_empty",
      checked: true,
      check: "retval 2 equal",
      repeat: 1000,
      native: { samples: [182, 182, 182], progOnly: [137, 137, 137] },
      ebpf: { samples: [94, 94, 94], progOnly: [49, 49, 49] },
    },
    {
      name: "fnv1a",
      checked: true,
      check: "equal",
      repeat: 100,
      native: { samples: [5455], progOnly: [5410] },
      ebpf: { samples: [19640], progOnly: [19595] },
    },
  ],
  extras: {
    runaway: {
      cpus: 1,
      mode: "icount",
      points: [5, 20].map((budgetMs) => ({
        program: "runaway_spin",
        budgetMs,
        durations: [budgetMs * 1e6 + 1_070_000],
        latencyNs: 1_070_000,
        minLatencyNs: 1_040_000,
        maxLatencyNs: 1_240_000,
        syscallNs: [],
        retvals: [0],
        stopsCounted: true,
      })),
    },
    loadTime: {
      ebpfLimit: "1000000",
      points: [
        { kind: "eBPF", size: 395, units: 64, ms: 0.354, samples: [0.354] },
        { kind: "eBPF", size: 6_000_011, units: 1_000_000, ms: 3080.9, samples: [3080.9] },
        { kind: "native", size: 624, units: 1, ms: 2.677, samples: [2.677] },
      ],
    },
  },
};

test("summary: provenance, dispatch cost, who wins, stop latency and load time from the report", () => {
  const rep = buildReport(guest, {
    quick: false,
    date: new Date("2026-11-27T06:55:54Z"),
    command: "iu bench",
  });
  const s = summaryBlock(rep);
  assert.match(s, /^`iu bench` on 2026-11-27, kernel 6\.12\.117-iu, 1 vCPU, instruction counting/);
  assert.match(
    s,
    /\| dispatch cost per invocation \(native − eBPF, `xdp_empty`\) \| \*\*\+88 instructions\*\*: 182 vs 94, ratio 1\.94 \|/,
  );
  assert.match(s, /\| native faster than eBPF \| `fnv1a` 3\.60x \|/);
  assert.match(s, /\| native slower than eBPF \(1 workload\) \| 1\.94x \(`xdp_empty`\) \|/);
  assert.match(
    s,
    /`runaway_spin`, budget 5 \/ 20 ms \| median \*\*1\.07 ms\*\* \(1\.04–1\.24\) \/ \*\*1\.07 ms\*\*/,
  );
  assert.match(
    s,
    /load time, smallest program \| native 2\.68 ms guest \(624 bytes of code\), eBPF 0\.35 ms guest/,
  );
  assert.match(
    s,
    /load time, largest program \| native 2\.68 ms guest .*eBPF 3,081 ms guest \(6,000,011 bytes/,
  );
  // Nothing measured, nothing claimed.
  const bare = summaryBlock(buildReport({ ...guest, workloads: [], extras: {} }, { quick: true }));
  assert.doesNotMatch(bare, /dispatch|faster|slower|watchdog|load time/);
  assert.match(bare, /\(--quick\)\./);
});

test("every block renders; --markdown prints each between its markers", () => {
  const rep = readReport(results);
  for (const b of BLOCKS) assert.ok(renderBlock(b, rep).length > 0, b);
  const all = renderAll(rep);
  assert.deepEqual(blocksIn(all), [...BLOCKS]);
  assert.equal(updateBlocks(all, rep), all);
});

test("updateBlocks: replaces a stale block whole, keeps the text around it, refuses broken markers", () => {
  const rep = buildReport(guest, { quick: false, date: new Date("2026-11-27T06:55:54Z") });
  const doc = "# Title\n\nbefore\n<!-- bench:begin summary -->\nstale | 1 |\n<!-- bench:end -->\nafter\n";
  const out = updateBlocks(doc, rep);
  assert.equal(
    out,
    `# Title\n\nbefore\n<!-- bench:begin summary -->\n${summaryBlock(rep)}\n<!-- bench:end -->\nafter\n`,
  );
  assert.equal(updateBlocks(out, rep), out);
  assert.equal(updateBlocks("no blocks\n", rep), "no blocks\n");
  assert.throws(() => updateBlocks("<!-- bench:begin nonsense -->\n<!-- bench:end -->\n", rep, "X.md"), {
    message: /X\.md: unknown bench block 'nonsense' \(known: summary, workloads, runaway, load-time\)/,
  });
  assert.throws(
    () => updateBlocks("<!-- bench:begin summary -->\nno end\n", rep),
    /has no <!-- bench:end -->/,
  );
  assert.throws(
    () =>
      updateBlocks("<!-- bench:begin summary -->\n<!-- bench:begin runaway -->\n<!-- bench:end -->\n", rep),
    /'summary' has no <!-- bench:end -->/,
  );
  assert.throws(() => updateBlocks("text\n<!-- bench:end -->\n", rep), /without a bench:begin/);
});

test("readReport refuses a file that is not a bench report", () => {
  assert.throws(() => readReport(join(repoRoot, "package.json")), /not a report of iu bench --json/);
  assert.throws(() => readReport(join(repoRoot, "no-such-report.json")), /cannot read the bench report/);
});
