/** Public API of the object layer: ELF reading and the image spec (docs/IMAGE-FORMAT.md). */
export * from "./btf.js";
export * from "./elf.js";
export * from "./image.js";
export * from "./prov.js";
