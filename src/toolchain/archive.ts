/** Member names of a System V / GNU `ar` archive (the static library cargo produces). */
import { IuError } from "../errors.js";

export function archiveMembers(a: Uint8Array): string[] {
  const dec = new TextDecoder("latin1");
  if (dec.decode(a.subarray(0, 8)) !== "!<arch>\n") throw new IuError("not an ar archive");
  const names: string[] = [];
  let longNames = "";
  let off = 8;
  while (off + 60 <= a.length) {
    const hdr = dec.decode(a.subarray(off, off + 60));
    if (hdr.slice(58, 60) !== "`\n") throw new IuError(`corrupt ar header at offset ${off}`);
    const rawName = hdr.slice(0, 16).trimEnd();
    const size = parseInt(hdr.slice(48, 58).trim(), 10);
    if (!Number.isFinite(size) || size < 0 || off + 60 + size > a.length)
      throw new IuError(`corrupt ar member size at offset ${off}`);
    const data = a.subarray(off + 60, off + 60 + size);
    if (rawName === "//") longNames = dec.decode(data);
    else if (rawName !== "/" && rawName !== "/SYM64/") {
      let name = rawName;
      if (/^\/\d+$/.test(rawName)) {
        const start = parseInt(rawName.slice(1), 10);
        const end = longNames.indexOf("\n", start);
        name = longNames.slice(start, end < 0 ? undefined : end);
      }
      names.push(name.replace(/\/$/, ""));
    }
    off += 60 + size + (size % 2);
  }
  return names;
}
