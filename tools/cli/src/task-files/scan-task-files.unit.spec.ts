import { describe, expect, it } from "vitest";
import { readTaskDoc } from "./jsdoc.js";
import { scanTaskFiles } from "./scan-task-files.js";
import { REPO_TASKS_FOLDER } from "./tasks-folder.js";

describe("the repository's tasks folder", () => {
  it("holds the seed's examples, named by their path without .js", async () => {
    const names = (await scanTaskFiles(REPO_TASKS_FOLDER)).map((file) => file.name);
    expect(names).toEqual(expect.arrayContaining([
      "comprehensive-gmail-search",
      "gapi-list-domains-with-nested",
      "module-diagnostic",
      "nested-calls-test",
      "promise-handling-example",
      "shared/gapi-helper",
    ]));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("documents every task: a description, and an @task tag that matches its name", async () => {
    for (const file of await scanTaskFiles(REPO_TASKS_FOLDER)) {
      expect(file.description, file.name).not.toBe("");
      expect(file.taggedAs, file.name).toBeUndefined();
      expect(readTaskDoc(file.code).task, file.name).toBe(file.name);
    }
  });

  it("reads the description of a nested helper module", async () => {
    const helper = (await scanTaskFiles(REPO_TASKS_FOLDER)).find((file) => file.name === "shared/gapi-helper");
    expect(helper?.description).toMatch(/^Helper module/);
    expect(helper?.path).toMatch(/tasks\/shared\/gapi-helper\.js$/);
  });
});

describe("readTaskDoc", () => {
  it("takes @description over the free text and joins its lines", () => {
    const doc = readTaskDoc(`/**\n * Free text\n * @task demo\n * @description First line\n *   second line\n * @param {object} input - x\n */\nexport default async () => 1;`);
    expect(doc).toEqual({ task: "demo", description: "First line second line" });
  });

  it("falls back to the text before the first tag", () => {
    expect(readTaskDoc(`/**\n * Task description\n * @param {object} input\n */`)).toEqual({ description: "Task description" });
  });

  it("reads only the first block, and nothing from code without one", () => {
    expect(readTaskDoc(`/** @description one */\n/** @description two */`).description).toBe("one");
    expect(readTaskDoc(`// a line comment\nmodule.exports = async () => 1;`)).toEqual({ description: "" });
  });
});
