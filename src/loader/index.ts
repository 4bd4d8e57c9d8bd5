/** The loader library: the typed API the `iu` CLI uses (see docs/LOADER.md). */
export * from "./attr.js";
export * from "./events.js";
export * from "./link.js";
export * from "./map.js";
export * from "./object.js";
export * from "./perfbuf.js";
export * from "./program.js";
export * from "./ringbuf.js";
export * from "./trace.js";
export * from "./value.js";
export { SysError, errnoName, enableStats } from "./sys.js";
export { hookOf, targetSyntax } from "./hooks/index.js";
