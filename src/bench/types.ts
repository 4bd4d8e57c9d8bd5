/**
 * What the bench's host and guest halves pass each other: the guest's configuration and
 * its results (workloads, load time, stop latency), as plain JSON-able data.
 */

export interface NativeSizeCase {
  image: string;
  functions: number;
  /** Bytes of machine code (the executable segment). */
  codeBytes: number;
  imageBytes: number;
}

export interface ExtrasConfig {
  loadTime?: { ebpfInsns: number[]; native: NativeSizeCase[]; reps: number };
  /** The watchdog's stop latency (src/bench/runaway.ts); run in a VM boot of its own. */
  runaway?: RunawayConfig;
}

export interface LoadTimePoint {
  kind: "native" | "eBPF";
  /** Bytes of machine code: jited length for eBPF, executable segment for native. */
  size: number;
  /** eBPF instructions, or native generated functions. */
  units: number;
  /** Median load time in milliseconds of guest time (icount: million instructions). */
  ms: number;
  samples: number[];
  error?: string;
}

export interface ExtrasResult {
  loadTime?: { points: LoadTimePoint[]; ebpfLimit: string };
  runaway?: RunawayResult;
}

export interface GuestConfig {
  mode: "icount" | "wall";
  quick: boolean;
  /** Measurements per side and workload (alternating native / eBPF). */
  reps: number;
  workloads: string[];
  extras?: ExtrasConfig;
  /** Only load and compare (the in-VM smoke test): no timing. */
  checkOnly?: boolean;
}

export interface SideSamples {
  /** Per-invocation cost of each repetition (test-run `duration`, or stats for raw_tp). */
  samples: number[];
  /** The program alone (kernel run-time statistics: run_time_ns / run_cnt), per repetition. */
  progOnly: number[];
}

export interface GuestWorkloadResult {
  name: string;
  /** Native and eBPF agreed on retval, output and maps before timing. */
  checked: boolean;
  check: string;
  repeat: number;
  native?: SideSamples;
  ebpf?: SideSamples;
  error?: string;
}

export interface GuestResult {
  mode: "icount" | "wall";
  kernel: string;
  cpus: number;
  jitEnabled: string;
  workloads: GuestWorkloadResult[];
  extras?: ExtrasResult;
}

export interface CanaryResult {
  program: string;
  budgetMs: number;
  retval: number;
  durationNs: number;
  /** Returned XDP_ABORTED: the watchdog stopped it. */
  stopped: boolean;
}

export interface RunawayConfig {
  image: string;
  budgetsMs: number[];
  /** Stops per budget and program. */
  reps: number;
}

export interface RunawayPoint {
  program: string;
  budgetMs: number;
  /** Kernel test-run duration of each stopped run, in ns of guest time (icount: instructions). */
  durations: number[];
  /** median(duration) - budget, in ns of guest time. */
  latencyNs: number;
  minLatencyNs: number;
  maxLatencyNs: number;
  /** User-space wall time around each BPF_PROG_TEST_RUN call (guest ns), for comparison. */
  syscallNs: number[];
  /** XDP verdict returned: XDP_ABORTED (0) when the watchdog stopped it. */
  retvals: number[];
  /** The program's `iu_stops` counter went up by one per run. */
  stopsCounted: boolean;
  error?: string;
}

export interface RunawayResult {
  points: RunawayPoint[];
  /** CPUs of the VM it ran in (RUNAWAY_SMP). */
  cpus?: number;
  /** How time was measured (the bench's mode). */
  mode?: "icount" | "wall";
  /** The bounded canaries run before the endless programs (one per loop kind). */
  canaries?: CanaryResult[];
  /** Why nothing was measured (no watchdog in this kernel). */
  skipped?: string;
  error?: string;
}
