/** Rust naming for generated code. */

const KEYWORDS = new Set(
  (
    "as break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub " +
    "ref return self Self static struct super trait true type unsafe use where while async await dyn abstract " +
    "become box do final macro override priv typeof unsized virtual yield try gen"
  ).split(" "),
);

/** A snake_case identifier usable as a Rust fn name (keywords get a trailing `_`). */
export function rustIdent(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, "_");
  const id = /^[0-9]/.test(s) ? `_${s}` : s;
  return KEYWORDS.has(id) ? `${id}_` : id;
}

/** CamelCase type name from a snake_case C name. */
export function typeName(name: string): string {
  const t = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
  return /^[0-9]/.test(t) ? `T${t}` : t || "Unnamed";
}
