import { describe, expect, it } from "vitest";
import { candidateNames } from "./module-names.js";

describe("helper module names", () => {
  it("resolves relative to the importing task, clamped at the root, without .js", () => {
    expect(candidateNames("./util", "reports/weekly")).toEqual(["reports/util", "util"]);
    expect(candidateNames("../shared/gapi-helper", "gapi-list-domains-with-nested")).toEqual(["shared/gapi-helper"]);
    expect(candidateNames("../shared/gapi-helper.js", "reports/weekly")).toEqual(["shared/gapi-helper"]);
    expect(candidateNames("shared/gapi-helper", "a/b")).toEqual(["a/shared/gapi-helper", "shared/gapi-helper"]);
  });
});
