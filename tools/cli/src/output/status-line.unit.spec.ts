import { describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io.js";
import { createStatusLine } from "./status-line.js";

describe("the status line off a terminal", () => {
  it("writes one line per change of state, with the time since the start", () => {
    const io = memoryIo();
    let clock = 1000;
    const line = createStatusLine(io, 1000, () => clock);
    line.update("PROCESSING");
    clock = 1500;
    line.update("PROCESSING");
    clock = 4200;
    line.update("SUSPENDED — waiting on tasks.execute (seq 0)");
    line.stop();
    expect(io.stderr).toBe("PROCESSING  0.0s\nSUSPENDED — waiting on tasks.execute (seq 0)  3.2s\n");
  });
});

describe("the status line on a terminal", () => {
  it("rewrites one line in place, cut to the terminal's width, and clears it at the end", () => {
    const io = { ...memoryIo(), errIsTty: true, errColumns: 30 };
    let written = "";
    io.err = (text: string) => void (written += text);
    const line = createStatusLine(io, 0, () => 3200);
    line.update("SUSPENDED — waiting on tasks.execute (seq 0)");
    line.stop();
    expect(written).toBe("\r\x1b[K⠋ SUSPENDED — waiting …  3.2s\r\x1b[K");
  });
});
