import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { readTaskDoc } from "./jsdoc.js";

/** A task file found in a tasks folder. `name` is its path below the folder without `.js`. */
export interface TaskFile {
  name: string;
  path: string;
  code: string;
  description: string;
  /** The `@task` tag when it differs from `name`: the file's path decides the published name. */
  taggedAs?: string;
}

/** Every `*.js` file below `folder`, sorted by name (`shared/gapi-helper` for `shared/gapi-helper.js`). */
export async function scanTaskFiles(folder: string): Promise<TaskFile[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".js"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const tasks = await Promise.all(
    files.map(async (path): Promise<TaskFile> => {
      const code = await readFile(path, "utf8");
      const name = relative(folder, path).split(sep).join("/").replace(/\.js$/, "");
      const doc = readTaskDoc(code);
      return { name, path, code, description: doc.description, ...(doc.task && doc.task !== name ? { taggedAs: doc.task } : {}) };
    }),
  );
  return tasks.sort((a, b) => a.name.localeCompare(b.name));
}
