/** Environment for Debian's rustc-web toolchain: /usr/bin first, no rustup shims, no user flags. */
export function rustEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `/usr/bin:/bin:${process.env.PATH ?? ""}` };
  for (const k of Object.keys(env)) {
    if (
      /^(RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS|RUSTC_WRAPPER|RUSTC|RUSTUP_TOOLCHAIN|CARGO_BUILD_.*|CARGO_TARGET_.*)$/.test(
        k,
      )
    ) {
      delete env[k];
    }
  }
  return env;
}
