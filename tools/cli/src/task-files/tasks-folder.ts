import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's own `tasks/` folder, found from this file (in `src/` or `dist/` alike). */
export const REPO_TASKS_FOLDER = fileURLToPath(new URL("../../../../tasks", import.meta.url));

/** `--dir` when given; else `./tasks` when the working directory has one; else the repository's examples. */
export function tasksFolder(dir: string | undefined, cwd: string = process.cwd()): string {
  if (dir !== undefined) return resolve(cwd, dir);
  const local = resolve(cwd, "tasks");
  return existsSync(local) ? local : REPO_TASKS_FOLDER;
}
