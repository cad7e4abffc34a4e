import { describe, expect, it } from "vitest";
import { inCliTerms } from "./in-cli-terms.js";

describe("a gateway error message in the CLI's terms", () => {
  it("names the tasker command for each route it mentions, keeping names and ids", () => {
    expect(inCliTerms('no task function named "x" was published; publish it with POST /task-functions first')).toBe('no task function named "x" was published; publish it with tasker publish first');
    expect(inCliTerms("set it with PUT /keys/openai or tools.keystore.set")).toBe("set it with tasker keys set openai or tools.keystore.set");
    expect(inCliTerms("see GET /tasks/0190-ab, then POST /tasks/0190-ab/cancel")).toBe("see tasker status 0190-ab, then tasker cancel 0190-ab");
    expect(inCliTerms("send it with POST /tasks/0190-ab/signals/approve")).toBe("send it with tasker signal 0190-ab approve");
    expect(inCliTerms("make one with POST /auth/keys; list them with GET /auth/keys")).toBe("make one with tasker auth create-key; list them with tasker auth list-keys");
  });

  it("leaves a message that names no route as it is", () => {
    expect(inCliTerms("taskName must be a string of 1 to 200 characters")).toBe("taskName must be a string of 1 to 200 characters");
  });
});
