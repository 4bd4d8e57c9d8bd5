//! Per-thread backend state: maps, scripted helper results, recorded calls, readable
//! memory, budgets; the panic hook and the watchdog.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::prelude::rust_2024::*;
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// One in-memory map (keyed by the address of its declaration).
pub(crate) struct MapState {
    pub ty: u32,
    pub key_size: usize,
    pub value_size: usize,
    pub max: u32,
    /// The value begins with a `bpf_spin_lock` (IU_MAP_F_SPIN_LOCK): updates skip it.
    pub spin_lock: bool,
    /// Hash maps: entries in least-recently-used-first order; values hold every CPU's copy.
    pub entries: Vec<(Vec<u8>, Box<[u64]>)>,
    /// Array maps: elements created (zeroed) on first touch.
    pub slots: BTreeMap<u32, Box<[u64]>>,
    /// Queue / stack elements, oldest first.
    pub fifo: VecDeque<Vec<u8>>,
    /// Ring buffer records in reservation order: (id, bytes, state 0 pending 1 submitted
    /// 2 discarded); `ring_used` counts the bytes the kernel would hold.
    pub ring: VecDeque<(usize, Box<[u64]>, usize, u8)>,
    pub ring_used: usize,
    /// Perf event output: (cpu ring, bytes).
    pub perf: Vec<(u32, Vec<u8>)>,
}

impl MapState {
    /// Words per CPU copy of a value (values are 8-byte aligned, as in the kernel).
    pub fn words(&self) -> usize {
        self.value_size.div_ceil(8).max(1)
    }
}

/// A redirect the program asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// Target ifindex (for `redirect_map`: the devmap value).
    pub ifindex: u32,
    /// Flags passed to the helper.
    pub flags: u64,
}

#[derive(Default)]
pub(crate) struct State {
    pub maps: BTreeMap<usize, MapState>,
    pub graveyard: Vec<Box<[u64]>>,
    pub time_ns: u64,
    pub pid_tgid: u64,
    pub uid_gid: u64,
    pub comm: [u8; 16],
    pub random: Vec<u32>,
    pub random_pos: usize,
    pub rng: u64,
    pub cpu: u32,
    pub nr_cpus: u32,
    pub task: u64,
    pub stack_id: Option<i64>,
    pub trace: Vec<String>,
    pub signals: Vec<u32>,
    pub redirects: Vec<Redirect>,
    pub overrides: Vec<u64>,
    /// Readable memory: (address, bytes, user?).
    pub regions: Vec<(u64, Vec<u8>, bool)>,
    pub calls: u64,
    pub call_budget: u64,
    pub time_budget: Duration,
    pub next_ring_id: usize,
    /// The program being run is XDP (redirect return codes differ from tc's).
    pub xdp: bool,
    /// The running XDP buffer's hard bounds (start, end).
    pub frame: (usize, usize),
    /// The address of the `bpf_spin_lock` held, if any (one at a time, as in the kernel).
    pub spin_held: Option<usize>,
    /// The USDT probe site a `host::Usdt` run stands for.
    pub usdt_spec: Option<crate::ctx::UsdtSpec>,
}

impl State {
    fn new() -> State {
        let mut comm = [0u8; 16];
        comm[..4].copy_from_slice(b"test");
        State {
            pid_tgid: (1000u64 << 32) | 1000,
            uid_gid: 0,
            comm,
            rng: 0x2545_f491_4f6c_dd1d,
            nr_cpus: 2,
            call_budget: 1_000_000,
            time_budget: Duration::from_secs(5),
            ..State::default()
        }
    }

    /// Reads `len` bytes at `addr` from the registered memory (`None`: a fault).
    pub fn read_mem(&self, addr: u64, len: usize, user: bool) -> Option<&[u8]> {
        for (base, b, u) in &self.regions {
            if *u != user || addr < *base {
                continue;
            }
            let off = (addr - base) as usize;
            if off <= b.len() && b.len() - off >= len {
                return Some(&b[off..off + len]);
            }
        }
        None
    }

    /// The bytes from `addr` to the end of its region.
    pub fn read_rest(&self, addr: u64, user: bool) -> Option<&[u8]> {
        for (base, b, u) in &self.regions {
            if *u == user && addr >= *base && ((addr - base) as usize) < b.len() {
                return Some(&b[(addr - base) as usize..]);
            }
        }
        None
    }
}

std::thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::new());
}

/// Runs `f` on this thread's state (installs the panic hook on first use).
pub(crate) fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    install_hook();
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// Counts one helper call against the budget; panics (with the program's location
/// unknown, so the message names the budget) when it is exhausted.
pub(crate) fn count_call() {
    let over = with(|s| {
        s.calls += 1;
        (s.calls > s.call_budget).then_some(s.call_budget)
    });
    if let Some(b) = over {
        std::panic!(
            "iu: runaway program: more than {b} helper calls in this test (budget; raise it with iu::host::set_call_budget)"
        );
    }
}

/// Forgets every map, recorded call and scripted result of this thread.
pub fn reset() {
    with(|s| *s = State::new());
}

/// Scripts `bpf_ktime_get_ns` / `_boot_ns` / `_coarse_ns` (default 0; each call returns
/// the same value until changed).
pub fn set_time_ns(ns: u64) {
    with(|s| s.time_ns = ns);
}

/// Scripts `bpf_get_current_pid_tgid` (tgid in the upper half; default pid 1000).
pub fn set_pid_tgid(tgid: u32, tid: u32) {
    with(|s| s.pid_tgid = ((tgid as u64) << 32) | tid as u64);
}

/// Scripts `bpf_get_current_uid_gid` (default 0/0).
pub fn set_uid_gid(uid: u32, gid: u32) {
    with(|s| s.uid_gid = ((gid as u64) << 32) | uid as u64);
}

/// Scripts `bpf_get_current_comm` (truncated to 15 bytes; default "test").
pub fn set_comm(comm: &str) {
    with(|s| {
        s.comm = [0; 16];
        let n = comm.len().min(15);
        s.comm[..n].copy_from_slice(&comm.as_bytes()[..n]);
    });
}

/// Scripts `bpf_get_prandom_u32`: these values in order, then a fixed-seed generator.
pub fn set_random(values: &[u32]) {
    with(|s| {
        s.random = values.to_vec();
        s.random_pos = 0;
    });
}

/// The CPU the program runs on (`bpf_get_smp_processor_id`, the per-CPU copy it sees).
pub fn set_cpu(cpu: u32) {
    with(|s| {
        assert!(
            cpu < s.nr_cpus,
            "iu::host::set_cpu({cpu}): only {} CPUs",
            s.nr_cpus
        );
        s.cpu = cpu;
    });
}

/// The current CPU.
pub fn cpu() -> u32 {
    with(|s| s.cpu)
}

/// Number of CPUs (per-CPU maps keep this many copies; default 2). Set it before the
/// first map access.
pub fn set_nr_cpus(n: u32) {
    with(|s| {
        assert!(s.maps.is_empty(), "set_nr_cpus before the first map access");
        s.nr_cpus = n.max(1);
    });
}

/// Number of CPUs.
pub fn nr_cpus() -> u32 {
    with(|s| s.nr_cpus)
}

/// Scripts `bpf_get_current_task` (an address the test backs with [`kernel_memory`]).
pub fn set_current_task(addr: u64) {
    with(|s| s.task = addr);
}

/// Scripts `bpf_get_stackid`: `Some(id)`, or `None` for -EFAULT (the default).
pub fn set_stack_id(id: Option<u32>) {
    with(|s| s.stack_id = id.map(|i| i as i64));
}

/// Makes `bytes` readable by `bpf_probe_read_kernel*` at `addr`.
pub fn kernel_memory(addr: u64, bytes: &[u8]) {
    with(|s| s.regions.push((addr, bytes.to_vec(), false)));
}

/// Makes `bytes` readable by `bpf_probe_read_user*` at `addr`.
pub fn user_memory(addr: u64, bytes: &[u8]) {
    with(|s| s.regions.push((addr, bytes.to_vec(), true)));
}

/// The lines the program printed with `trace_printk` (formatted, without the newline).
pub fn trace_lines() -> Vec<String> {
    with(|s| s.trace.clone())
}

/// As [`trace_lines`], and forgets them.
pub fn take_trace_lines() -> Vec<String> {
    with(|s| core::mem::take(&mut s.trace))
}

/// The signals the program sent (`bpf_send_signal`).
pub fn signals() -> Vec<u32> {
    with(|s| s.signals.clone())
}

/// The redirects the program set up (`bpf_redirect`, `bpf_redirect_map`).
pub fn redirects() -> Vec<Redirect> {
    with(|s| s.redirects.clone())
}

/// The return values the program injected (`bpf_override_return`).
pub fn override_returns() -> Vec<u64> {
    with(|s| s.overrides.clone())
}

/// At most `n` helper calls per test (default 1,000,000) before the run is stopped.
pub fn set_call_budget(n: u64) {
    with(|s| s.call_budget = n);
}

/// At most `d` of wall time per handler run (default 5 s) before the test binary is
/// stopped (a loop without helper calls cannot be interrupted otherwise).
pub fn set_time_budget(d: Duration) {
    with(|s| s.time_budget = d);
}

/// Reports panics as the kernel runtime does (`... panicked at FILE:LINE:COL: MSG`).
pub(crate) fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
                String::from(*s)
            } else if let Some(s) = info.payload().downcast_ref::<String>() {
                s.clone()
            } else {
                String::from("Box<dyn Any>")
            };
            let (file, line, col) = match info.location() {
                Some(l) => (l.file(), l.line(), l.column()),
                None => ("?", 0, 0),
            };
            let t = std::thread::current();
            if msg.starts_with("iu: runaway") {
                // Raised by the backend, not at a place in the program.
                std::eprintln!("{msg} (test {})", t.name().unwrap_or("?"));
                return;
            }
            std::eprintln!(
                "iu: program in test {} panicked at {file}:{line}:{col}: {msg}",
                t.name().unwrap_or("?")
            );
            if std::env::var_os("IU_TEST_FULL_PANIC").is_some() {
                prev(info);
            }
        }));
    });
}

/// Handler runs in progress: (id, test name, deadline, budget).
type Running = Vec<(u64, String, Instant, Duration)>;
static RUNNING: Mutex<Running> = Mutex::new(Vec::new());

/// Runs `f` (one handler run) under the time budget: a watchdog thread stops the test
/// binary with a message naming the test if the run does not return in time.
pub(crate) fn guarded<R>(f: impl FnOnce() -> R) -> R {
    static WATCHDOG: Once = Once::new();
    static NEXT: Mutex<u64> = Mutex::new(0);
    WATCHDOG.call_once(|| {
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(Duration::from_millis(50));
                let now = Instant::now();
                let r = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((_, name, _, b)) = r.iter().find(|(_, _, d, _)| now > *d) {
                    // Straight to fd 2: this thread inherited a test's output capture.
                    use std::io::Write;
                    let _ = writeln!(
                        std::io::stderr(),
                        "iu: runaway program in test {name}: the handler did not return within {} ms (time budget; raise it with iu::host::set_time_budget)\ntest {name} ... FAILED (runaway)",
                        b.as_millis()
                    );
                    std::process::exit(101);
                }
            }
        });
    });
    let budget = with(|s| s.time_budget);
    let id = {
        let mut n = NEXT.lock().unwrap_or_else(|e| e.into_inner());
        *n += 1;
        *n
    };
    let name = String::from(std::thread::current().name().unwrap_or("?"));
    RUNNING.lock().unwrap_or_else(|e| e.into_inner()).push((
        id,
        name,
        Instant::now() + budget,
        budget,
    ));
    struct Done(u64);
    impl Drop for Done {
        fn drop(&mut self) {
            RUNNING
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|(i, ..)| *i != self.0);
        }
    }
    let _done = Done(id);
    let _release = Release::new();
    f()
}

/// What a handler run acquired and still holds when it ends (returns or panics) is
/// released, as the kernel runtime does: its spin lock is unlocked and its pending
/// ring-buffer reservations are discarded. So a forgotten guard or reservation leaks
/// nothing past the run, as in the kernel.
struct Release {
    ring_mark: usize,
    lock_before: Option<usize>,
}

impl Release {
    fn new() -> Release {
        with(|s| Release {
            ring_mark: s.next_ring_id,
            lock_before: s.spin_held,
        })
    }
}

impl Drop for Release {
    fn drop(&mut self) {
        with(|s| {
            if self.lock_before.is_none() {
                s.spin_held = None;
            }
            for st in s.maps.values_mut() {
                for r in st.ring.iter_mut() {
                    if r.0 >= self.ring_mark && r.3 == 0 {
                        r.3 = 2;
                    }
                }
            }
        });
    }
}
