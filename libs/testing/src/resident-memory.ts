import { readFile } from "node:fs/promises";

/**
 * The resident set size of process `pid` in bytes: `VmRSS` of `/proc/<pid>/status` (Linux). Throws
 * when the process is gone or the line is missing.
 */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kib) * 1024;
}
