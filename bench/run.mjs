// `npm run bench -- <name>...`: builds the workspace and runs bench/src/<name>.ts, which prints its figures.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const available = readdirSync(new URL("./src", import.meta.url))
  .filter((file) => file.endsWith(".ts") && !file.startsWith("_"))
  .map((file) => file.slice(0, -3));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (wanted.length === 0 || unknown.length > 0) {
  if (unknown.length > 0) console.error(`unknown benchmark: ${unknown.join(", ")}`);
  console.error(`usage: npm run bench -- <${available.join("|")}>...`);
  process.exit(2);
}
// The whole workspace: the e2e benchmark runs the built services and CLI.
const build = spawnSync("tsc", ["-b", "tsconfig.json"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
for (const name of wanted) {
  const run = spawnSync(process.execPath, [new URL(`./dist/${name}.js`, import.meta.url).pathname], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
