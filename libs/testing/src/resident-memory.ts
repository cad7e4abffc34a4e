import { readFile } from "node:fs/promises";

/** A `<field>: N kB` line of `/proc/<pid>/status` (Linux) in bytes; throws when the process is gone or the line is missing. */
async function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1];
  if (kib === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

/**
 * The resident set size of process `pid` in bytes: `VmRSS` of `/proc/<pid>/status` (Linux). Throws
 * when the process is gone or the line is missing.
 */
export async function residentBytes(pid: number): Promise<number> {
  return statusBytes(pid, "VmRSS");
}

/**
 * The largest resident set process `pid` has had since it started, in bytes: `VmHWM` of
 * `/proc/<pid>/status` (Linux). Throws when the process is gone or the line is missing.
 */
export async function peakResidentBytes(pid: number): Promise<number> {
  return statusBytes(pid, "VmHWM");
}
