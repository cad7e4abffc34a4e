import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = new URL("./ensure-install.sh", import.meta.url).pathname;
let project: string;

// A fresh clone in small: a workspace package with a bin, a lock file, an npm script that runs the
// install script first and the bin after it, as `npm test` does. npm ci needs no registry for it.
beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), "tasker-ensure-install-"));
  await mkdir(join(project, "scripts"));
  await copyFile(script, join(project, "scripts", "ensure-install.sh"));
  await mkdir(join(project, "libs", "hello"), { recursive: true });
  await writeFile(join(project, "libs", "hello", "package.json"), JSON.stringify({ name: "hello", version: "1.0.0", bin: { hello: "hello.sh" } }));
  await writeFile(join(project, "libs", "hello", "hello.sh"), "#!/usr/bin/env bash\necho hello from node_modules/.bin\n", { mode: 0o755 });
  const scripts = { test: "bash scripts/ensure-install.sh && hello" };
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "fresh-clone", version: "1.0.0", private: true, workspaces: ["libs/*"], scripts }));
  await run("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund"], { cwd: project });
});

afterEach(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

const npmTest = () => run("npm", ["test", "--silent"], { cwd: project });

describe("scripts/ensure-install.sh (run first by npm start and npm test)", () => {
  it("installs from the lock file on a fresh clone, so the npm script's next command finds its bin", async () => {
    const { stdout, stderr } = await npmTest();
    expect(stderr).toContain("ensure-install: no node_modules; installing from the lock file (npm ci)");
    expect(stdout).toContain("hello from node_modules/.bin");
  });

  it("does nothing once installed, and installs again when the lock file is newer than node_modules", async () => {
    await npmTest();
    const installed = join(project, "node_modules", ".package-lock.json");
    const before = (await stat(installed)).mtimeMs;

    const again = await npmTest();
    expect(again.stderr).toBe("");
    expect((await stat(installed)).mtimeMs).toBe(before);

    const later = new Date(before + 5_000);
    await utimes(join(project, "package-lock.json"), later, later);
    const changed = await npmTest();
    expect(changed.stderr).toContain("ensure-install: package-lock.json is newer than node_modules");
    expect(changed.stdout).toContain("hello from node_modules/.bin");
    expect((await stat(installed)).mtimeMs).toBeGreaterThan(before);
  });
});
